"""Step 5: export a checkpoint to the folder layout transformers.js loads:
public/models/<name>/{config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx}.

Graph inputs:  input_ids, attention_mask, position_ids, past_key_values.{i}.key/value,
               output_layer_logits (bool scalar: compute layer_logits on this run or not),
               present_new_only (bool scalar: what present.* holds)
Graph outputs: logits, present.{i}.key/value (with present_new_only true the NEW positions only,
               [batch_size, heads, new, head_dim], which the runtime appends to the cache it passed
               in; with it false past + new, as a plain export; append_kv_outside.py),
               layer_logits (N+1, batch_size, vocab) for DoLa,
               or an empty [0, 0, 0] tensor when output_layer_logits is false (gate_output.py).
The batch dimension is named exactly `batch_size`: transformers.js sizes its first (empty)
KV cache from that name and builds a 0-sized one otherwise."""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from append_kv_outside import KV_OUTPUTS_NOTE, append_kv_outside_file  # noqa: E402
from gate_output import gate_file  # noqa: E402
from model import GPT, GPTConfig  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, '..'))


def load_checkpoint(path):
    ck = torch.load(path, map_location='cpu')
    model = GPT(GPTConfig(**ck['config']))
    model.load_state_dict(ck['model'])
    model.eval()
    return model, ck


class OnnxWrapper(torch.nn.Module):
    """Flat tensor arguments in the order of the ONNX input names."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, presents, layer_logits = self.model.forward_cached(input_ids, attention_mask, position_ids, past)
        flat = [t for kv in presents for t in kv]
        return (logits, *flat, layer_logits)


def io_names(n_layer):
    past = [f'past_key_values.{i}.{kv}' for i in range(n_layer) for kv in ('key', 'value')]
    present = [f'present.{i}.{kv}' for i in range(n_layer) for kv in ('key', 'value')]
    return ['input_ids', 'attention_mask', 'position_ids'] + past, ['logits'] + present + ['layer_logits']


def dynamic_axes(n_layer):
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'},
            'layer_logits': {1: 'batch_size'}}
    for i in range(n_layer):
        for kv in ('key', 'value'):
            axes[f'past_key_values.{i}.{kv}'] = {0: 'batch_size', 2: 'past_sequence_length'}
            axes[f'present.{i}.{kv}'] = {0: 'batch_size', 2: 'total_sequence_length'}
    return axes


def deduplicate_initializers(path):
    """Tied embeddings must be stored once. Keep the first of any byte-identical initializers and
    point every use of the others at it (a safety net: the export normally shares it already)."""
    m = onnx.load(path)
    seen, rename = {}, {}
    for init in m.graph.initializer:
        key = (init.data_type, tuple(init.dims), init.raw_data if init.raw_data else onnx.numpy_helper.to_array(init).tobytes())
        if key in seen and len(key[2]) > 1024:
            rename[init.name] = seen[key]
        else:
            seen.setdefault(key, init.name)
    if rename:
        keep = [i for i in m.graph.initializer if i.name not in rename]
        del m.graph.initializer[:]
        m.graph.initializer.extend(keep)
        for node in m.graph.node:
            for k, name in enumerate(node.input):
                if name in rename:
                    node.input[k] = rename[name]
        onnx.save(m, path)
    return len(rename)


def export(model, out_dir, opset=14):
    cfg = model.cfg
    H, D = cfg.n_head, cfg.n_embd // cfg.n_head
    os.makedirs(os.path.join(out_dir, 'onnx'), exist_ok=True)
    path = os.path.join(out_dir, 'onnx', 'model.onnx')
    # Trace with a non-empty cache and batch 2 so no dimension is frozen to a size of 0 or 1.
    B, P, T = 2, 3, 4
    ids = torch.randint(0, cfg.vocab_size, (B, T))
    mask = torch.ones(B, P + T, dtype=torch.int64)
    pos = torch.arange(P, P + T).unsqueeze(0).repeat(B, 1)
    past = [torch.randn(B, H, P, D) for _ in range(2 * cfg.n_layer)]
    inputs, outputs = io_names(cfg.n_layer)
    with torch.no_grad():
        torch.onnx.export(OnnxWrapper(model), (ids, mask, pos, *past), path, input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic_axes(cfg.n_layer), opset_version=opset,
                          # Folding constants would materialise a transposed copy of the tied embedding.
                          do_constant_folding=False)
    dups = deduplicate_initializers(path)
    gate_file(path)
    append_kv_outside_file(path)
    onnx.checker.check_model(onnx.load(path))
    return path, dups


def write_configs(model, out_dir, name, extra):
    cfg = model.cfg
    tok_dir = os.path.join(HERE, '.cache', 'tokenizer')
    vocab = json.load(open(os.path.join(tok_dir, 'tokenizer.json'), encoding='utf-8'))['model']['vocab']
    eot = vocab['<|endoftext|>']
    config = {
        'architectures': ['GPT2LMHeadModel'], 'model_type': 'gpt2',
        'vocab_size': cfg.vocab_size, 'n_positions': cfg.n_positions, 'n_ctx': cfg.n_positions,
        'n_embd': cfg.n_embd, 'n_layer': cfg.n_layer, 'n_head': cfg.n_head, 'n_inner': 4 * cfg.n_embd,
        'activation_function': cfg.activation_function, 'layer_norm_epsilon': cfg.layer_norm_epsilon,
        'resid_pdrop': 0.0, 'embd_pdrop': 0.0, 'attn_pdrop': 0.0,
        'bos_token_id': eot, 'eos_token_id': eot, 'tie_word_embeddings': cfg.tie_word_embeddings,
        'use_cache': True,
        'transformers.js_config': {'dtype': 'fp32'},
        # Our additions, read by the site: what the extra ONNX output holds.
        'layer_logits': {'output': 'layer_logits', 'shape': ['n_layer + 1', 'batch_size', 'vocab_size'],
                         'position': 'last', 'computed_when': 'input output_layer_logits is true',
                         'hidden_states': '0 = embedding output, i = output of block i',
                         'final_norm_on_premature_layers': False,
                         'last_entry': 'equals logits at the last position (final layer norm applied)'},
        'kv_outputs': KV_OUTPUTS_NOTE,
        'model_name': name,
    }
    config.update(extra)
    json.dump(config, open(os.path.join(out_dir, 'config.json'), 'w'), indent=2)
    json.dump({'bos_token_id': eot, 'eos_token_id': eot, 'pad_token_id': eot, 'do_sample': False,
               'max_length': cfg.n_positions}, open(os.path.join(out_dir, 'generation_config.json'), 'w'), indent=2)
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copy(os.path.join(tok_dir, f), os.path.join(out_dir, f))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--checkpoint', required=True)
    p.add_argument('--name', required=True)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    model, ck = load_checkpoint(a.checkpoint)
    out_dir = a.out or os.path.join(REPO, 'public', 'models', a.name)
    path, dups = export(model, out_dir)
    write_configs(model, out_dir, a.name, {'num_parameters': model.num_parameters(), 'training_step': ck['step']})
    print(f'[export] {a.name}: {model.num_parameters():,} parameters, {os.path.getsize(path) / 1e6:.2f} MB '
          f'({dups} duplicate initializers removed) -> {path}', flush=True)


if __name__ == '__main__':
    main()
