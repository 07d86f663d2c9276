"""Tiny Llama/Qwen2 ONNX graphs in the forms published web exports use, and PyTorch's early exits
for them, for the layer-lens tests (tests/integration/lens-architectures.test.ts; CI has no PyTorch,
so the files are committed):

  tests/fixtures/lens/<form>.onnx   one graph per form, ~0.1-0.3 MB each
  tests/fixtures/lens/expected.json per form: its config, input cases, and PyTorch's logits and
                                    layer_logits (lm_head(h_j) at the last position, h_N -> logits)
  tests/fixtures/lens/hub/          what the e2e stand-in Hub serves beside each graph, so that
                                    transformers.js loads them as Hub models: <arch>/config.json and
                                    generation_config.json, and one tokenizer for both (byte-level
                                    BPE over the 128 ASCII bytes, no merges: token id = byte)

Forms (weights from tiny_decoders.random_decoder, the same per architecture):
  llama-plain, qwen2-plain   torch.onnx.export: decomposed RMSNorm, plain Add residuals, MatMul head
                             (llama tied through Transpose of the embedding, as SmolLM2; qwen2 untied)
  llama-fused, qwen2-fused   built with the onnx package in the layout of onnxruntime's fusions and
                             the onnxruntime-genai builder: SimplifiedLayerNormalization, then
                             SkipSimplifiedLayerNormalization whose output 3 is the residual sum (absent
                             on the final norm), GroupQueryAttention with rotary caches
  qwen2-fused-q4head         qwen2-fused with lm_head as MatMulNBits (4 bits, blocks of 32); its
                             expected numbers use the dequantized head

    /usr/bin/python3 training/lens_fixtures.py              # everything
    /usr/bin/python3 training/lens_fixtures.py --hub-files  # only hub/ (no PyTorch export)
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tiny_decoders import TinyConfig, early_exits, random_decoder  # noqa: E402

OUT = os.path.join(HERE, '..', 'tests', 'fixtures', 'lens')
OPSET = 17
SEEDS = {'llama': 1, 'qwen2': 2}
# GroupQueryAttention's rotary needs head_dim % 16 == 0: two query heads of 16 share one KV head.
SIZE = dict(hidden_size=32, intermediate_size=64, num_layers=3, num_heads=2, num_kv_heads=1)
CONFIGS = {
    'llama': TinyConfig(arch='llama', tie_word_embeddings=True, **SIZE),
    'qwen2': TinyConfig(arch='qwen2', tie_word_embeddings=False, **SIZE),
}
Q4_BLOCK = 32


def io_names(n_layer):
    past = [f'past_key_values.{i}.{kv}' for i in range(n_layer) for kv in ('key', 'value')]
    present = [f'present.{i}.{kv}' for i in range(n_layer) for kv in ('key', 'value')]
    return past, present


class PlainWrapper(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, presents, _ = self.model(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for kv in presents for t in kv])


def export_plain(model, path):
    cfg = model.cfg
    B, P, T = 2, 3, 4
    ids = torch.randint(0, cfg.vocab_size, (B, T))
    mask = torch.ones(B, P + T, dtype=torch.int64)
    pos = torch.arange(P, P + T).unsqueeze(0).repeat(B, 1)
    past = [torch.randn(B, cfg.num_kv_heads, P, cfg.head_dim) for _ in range(2 * cfg.num_layers)]
    past_names, present_names = io_names(cfg.num_layers)
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'}, 'logits': {0: 'batch_size', 1: 'sequence_length'}}
    axes.update({n: {0: 'batch_size', 2: 'past_sequence_length'} for n in past_names})
    axes.update({n: {0: 'batch_size', 2: 'total_sequence_length'} for n in present_names})
    with torch.no_grad():
        torch.onnx.export(PlainWrapper(model), (ids, mask, pos, *past), path, opset_version=OPSET,
                          input_names=['input_ids', 'attention_mask', 'position_ids'] + past_names,
                          output_names=['logits'] + present_names, dynamic_axes=axes,
                          # Folding would turn the tied head's Transpose(embedding) into a copy.
                          do_constant_folding=False)


def quantize_q4(weight):
    """(N, K) float -> MatMulNBits' B (N, K/32, 16) uint8 and scales (N * K/32,), symmetric around
    the default zero point 8, and the dequantized (N, K) weight that those encode."""
    n, k = weight.shape
    blocks = weight.reshape(n, k // Q4_BLOCK, Q4_BLOCK)
    scales = np.abs(blocks).max(axis=2) / 7.0
    scales[scales == 0] = 1.0
    codes = np.clip(np.round(blocks / scales[:, :, None]) + 8, 0, 15).astype(np.uint8)
    packed = codes[:, :, 0::2] | (codes[:, :, 1::2] << 4)               # element 2j low nibble, 2j+1 high
    dequantized = ((codes.astype(np.float32) - 8) * scales[:, :, None]).reshape(n, k)
    return packed, scales.astype(np.float32).reshape(-1), dequantized.astype(np.float32)


def build_fused(model, path, q4_head=None):
    """The fused graph of `model`, with the head as MatMulNBits when q4_head = (packed, scales)."""
    cfg = model.cfg
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def linear(x, weight_key, out, bias_key=None):
        w = init(weight_key + '.T', sd[weight_key].T)
        if bias_key is None:
            nodes.append(helper.make_node('MatMul', [x, w], [out], name=f'{out}/MatMul'))
        else:
            nodes.append(helper.make_node('MatMul', [x, w], [out + '/mm'], name=f'{out}/MatMul'))
            nodes.append(helper.make_node('Add', [out + '/mm', init(bias_key, sd[bias_key])], [out], name=f'{out}/Add'))
        return out

    eps = cfg.rms_norm_eps
    embed = init('embed_tokens.weight', sd['embed_tokens.weight'])
    nodes.append(helper.make_node('Gather', [embed, 'input_ids'], ['h_0'], name='embed'))
    # GroupQueryAttention reads lengths, not a mask: seqlens_k = (tokens so far) - 1, and the total.
    init('one', np.array(1, dtype=np.int64))
    init('axis_1', np.array([1], dtype=np.int64))
    nodes += [
        helper.make_node('ReduceSum', ['attention_mask', 'axis_1'], ['mask_sum'], keepdims=0, name='mask_sum'),
        helper.make_node('Sub', ['mask_sum', 'one'], ['seqlens_k_64'], name='seqlens_sub'),
        helper.make_node('Cast', ['seqlens_k_64'], ['seqlens_k'], to=TensorProto.INT32, name='seqlens_cast'),
        helper.make_node('Shape', ['attention_mask'], ['mask_shape'], name='mask_shape'),
        helper.make_node('Gather', ['mask_shape', 'one'], ['total_64'], axis=0, name='total_gather'),
        helper.make_node('Cast', ['total_64'], ['total_len'], to=TensorProto.INT32, name='total_cast'),
    ]
    inv_freq = 1.0 / (cfg.rope_theta ** (np.arange(0, cfg.head_dim, 2, dtype=np.float32) / cfg.head_dim))
    angles = np.arange(cfg.max_positions, dtype=np.float32)[:, None] * inv_freq[None, :]
    init('cos_cache', np.cos(angles).astype(np.float32))
    init('sin_cache', np.sin(angles).astype(np.float32))

    nodes.append(helper.make_node('SimplifiedLayerNormalization', ['h_0', init('layers.0.input_layernorm.weight', sd['layers.0.input_layernorm.weight'])],
                                  ['norm_in_0'], axis=-1, epsilon=eps, name='layers.0/input_layernorm'))
    residual = 'h_0'
    past_names, present_names = io_names(cfg.num_layers)
    for i in range(cfg.num_layers):
        p = f'layers.{i}'
        bias = (lambda kind: f'{p}.self_attn.{kind}_proj.bias') if cfg.arch == 'qwen2' else (lambda kind: None)
        q = linear(f'norm_in_{i}', f'{p}.self_attn.q_proj.weight', f'{p}/q', bias('q'))
        k = linear(f'norm_in_{i}', f'{p}.self_attn.k_proj.weight', f'{p}/k', bias('k'))
        v = linear(f'norm_in_{i}', f'{p}.self_attn.v_proj.weight', f'{p}/v', bias('v'))
        nodes.append(helper.make_node(
            'GroupQueryAttention', [q, k, v, past_names[2 * i], past_names[2 * i + 1], 'seqlens_k', 'total_len', 'cos_cache', 'sin_cache'],
            [f'{p}/attn', present_names[2 * i], present_names[2 * i + 1]], domain='com.microsoft', name=f'{p}/GroupQueryAttention',
            num_heads=cfg.num_heads, kv_num_heads=cfg.num_kv_heads, do_rotary=1, rotary_interleaved=0))
        o = linear(f'{p}/attn', f'{p}.self_attn.o_proj.weight', f'{p}/o')
        post_w = init(f'{p}.post_attention_layernorm.weight', sd[f'{p}.post_attention_layernorm.weight'])
        nodes.append(helper.make_node('SkipSimplifiedLayerNormalization', [o, residual, post_w], [f'norm_post_{i}', '', '', f'mid_{i}'],
                                      domain='com.microsoft', epsilon=eps, name=f'{p}/post_attention_layernorm'))
        gate = linear(f'norm_post_{i}', f'{p}.mlp.gate_proj.weight', f'{p}/gate')
        up = linear(f'norm_post_{i}', f'{p}.mlp.up_proj.weight', f'{p}/up')
        nodes += [helper.make_node('Sigmoid', [gate], [f'{p}/sigmoid'], name=f'{p}/sigmoid'),
                  helper.make_node('Mul', [gate, f'{p}/sigmoid'], [f'{p}/silu'], name=f'{p}/silu'),
                  helper.make_node('Mul', [f'{p}/silu', up], [f'{p}/act'], name=f'{p}/act')]
        down = linear(f'{p}/act', f'{p}.mlp.down_proj.weight', f'{p}/down')
        if i + 1 < cfg.num_layers:
            w = init(f'layers.{i + 1}.input_layernorm.weight', sd[f'layers.{i + 1}.input_layernorm.weight'])
            nodes.append(helper.make_node('SkipSimplifiedLayerNormalization', [down, f'mid_{i}', w], [f'norm_in_{i + 1}', '', '', f'h_{i + 1}'],
                                          domain='com.microsoft', epsilon=eps, name=f'layers.{i + 1}/input_layernorm'))
            residual = f'h_{i + 1}'
        else:
            # The final norm: its sum, h_N, is needed by nothing else, so it is not output.
            nodes.append(helper.make_node('SkipSimplifiedLayerNormalization', [down, f'mid_{i}', init('norm.weight', sd['norm.weight'])],
                                          ['final_norm'], domain='com.microsoft', epsilon=eps, name='final_norm'))
    if q4_head is not None:
        packed, scales = q4_head
        nodes.append(helper.make_node('MatMulNBits', ['final_norm', init('lm_head.q4', packed), init('lm_head.scales', scales)], ['logits'],
                                      domain='com.microsoft', K=cfg.hidden_size, N=cfg.vocab_size, bits=4, block_size=Q4_BLOCK, name='lm_head'))
    elif cfg.tie_word_embeddings:
        nodes.append(helper.make_node('Transpose', [embed], ['embed_tokens.T'], perm=[1, 0], name='lm_head/Transpose'))
        nodes.append(helper.make_node('MatMul', ['final_norm', 'embed_tokens.T'], ['logits'], name='lm_head'))
    else:
        linear('final_norm', 'lm_head.weight', 'logits')

    kv = lambda name, length: helper.make_tensor_value_info(name, TensorProto.FLOAT, ['batch_size', cfg.num_kv_heads, length, cfg.head_dim])  # noqa: E731
    inputs = [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch_size', 'sequence_length']),
              helper.make_tensor_value_info('attention_mask', TensorProto.INT64, ['batch_size', 'total_sequence_length'])]
    inputs += [kv(n, 'past_sequence_length') for n in past_names]
    outputs = [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch_size', 'sequence_length', cfg.vocab_size])]
    outputs += [kv(n, 'total_sequence_length') for n in present_names]
    graph = helper.make_graph(nodes, 'tiny_fused', inputs, outputs, initializer=inits)
    fused = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET), helper.make_opsetid('com.microsoft', 1)],
                              producer_name='training/lens_fixtures.py')
    fused.ir_version = 8
    # No onnx.checker here: it knows none of onnxruntime's own ops (SimplifiedLayerNormalization
    # included); the tests load every graph in onnxruntime instead.
    onnx.save(fused, path)


def reference(model, rows):
    """PyTorch's logits and early exits at the last position for rows of token ids (no cache)."""
    cfg = model.cfg
    ids = torch.tensor(rows, dtype=torch.int64)
    B, T = ids.shape
    past = [(torch.zeros(B, cfg.num_kv_heads, 0, cfg.head_dim), torch.zeros(B, cfg.num_kv_heads, 0, cfg.head_dim)) for _ in range(cfg.num_layers)]
    with torch.no_grad():
        logits, _, hidden = model(ids, torch.ones(B, T, dtype=torch.int64), torch.arange(T).unsqueeze(0).repeat(B, 1), past)
        layers = early_exits(model, hidden, logits)
    return {'ids': rows, 'last_logits': float32_list(logits[:, -1, :]), 'layer_logits': float32_list(layers)}


def float32_list(tensor):
    """Nine significant digits give back every float32 exactly, in half the JSON of repr()."""
    return [float(f'{x:.9g}') for x in tensor.numpy().astype(np.float32).ravel()]


def cases(cfg, seed):
    rng = np.random.default_rng(seed)
    prompts = [rng.integers(0, cfg.vocab_size, size=n).tolist() for n in (6, 9, 4)]
    return [[p] for p in prompts] + [[prompts[0][:4], prompts[1][:4]]]


ARCHITECTURES = {'llama': 'LlamaForCausalLM', 'qwen2': 'Qwen2ForCausalLM'}
# NUL: a byte no prompt types, so a text ends only where the model says so.
EOS_ID = 0


def byte_level_chars():
    """GPT-2's byte-level alphabet: printable bytes stand for themselves, the rest are shifted
    past 255, so every byte is one visible character (a space is 'Ġ')."""
    printable = [*range(ord('!'), ord('~') + 1), *range(ord('¡'), ord('¬') + 1), *range(ord('®'), ord('ÿ') + 1)]
    chars, shifted = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + shifted)
            shifted += 1
    return chars


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write('\n')


def write_hub_files():
    hub = os.path.join(OUT, 'hub')
    for arch, cfg in CONFIGS.items():
        write_json(os.path.join(hub, arch, 'config.json'), {
            'architectures': [ARCHITECTURES[arch]], 'model_type': arch, 'vocab_size': cfg.vocab_size,
            'hidden_size': cfg.hidden_size, 'intermediate_size': cfg.intermediate_size, 'num_hidden_layers': cfg.num_layers,
            'num_attention_heads': cfg.num_heads, 'num_key_value_heads': cfg.num_kv_heads, 'head_dim': cfg.head_dim,
            'max_position_embeddings': cfg.max_positions, 'rms_norm_eps': cfg.rms_norm_eps, 'rope_theta': cfg.rope_theta,
            'tie_word_embeddings': cfg.tie_word_embeddings, 'eos_token_id': EOS_ID, 'use_cache': True})
        write_json(os.path.join(hub, arch, 'generation_config.json'), {'eos_token_id': [EOS_ID], 'do_sample': False})
    vocab_size = CONFIGS['llama'].vocab_size
    assert all(cfg.vocab_size == vocab_size == 128 for cfg in CONFIGS.values()), 'the tokenizer covers the ASCII bytes'
    chars = byte_level_chars()
    byte_level = {'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True}
    write_json(os.path.join(hub, 'tokenizer.json'), {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': [], 'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', **byte_level}, 'post_processor': None, 'decoder': {'type': 'ByteLevel', **byte_level},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None, 'end_of_word_suffix': None,
                  'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': {chars[b]: b for b in range(vocab_size)}, 'merges': []}})
    write_json(os.path.join(hub, 'tokenizer_config.json'), {
        'tokenizer_class': 'GPT2Tokenizer', 'eos_token': chars[EOS_ID], 'add_bos_token': False, 'add_prefix_space': False,
        'clean_up_tokenization_spaces': False, 'model_max_length': CONFIGS['llama'].max_positions})


def main():
    os.makedirs(OUT, exist_ok=True)
    write_hub_files()
    expected = {}
    for arch, cfg in CONFIGS.items():
        model = random_decoder(cfg, SEEDS[arch])
        rows = cases(cfg, SEEDS[arch])
        meta = {'arch': arch, 'num_layers': cfg.num_layers, 'vocab_size': cfg.vocab_size, 'num_kv_heads': cfg.num_kv_heads,
                'head_dim': cfg.head_dim, 'tie_word_embeddings': cfg.tie_word_embeddings}
        refs = [reference(model, r) for r in rows]
        export_plain(model, os.path.join(OUT, f'{arch}-plain.onnx'))
        expected[f'{arch}-plain'] = {**meta, 'position_ids': True, 'cases': refs}
        build_fused(model, os.path.join(OUT, f'{arch}-fused.onnx'))
        expected[f'{arch}-fused'] = {**meta, 'position_ids': False, 'cases': refs}
        if arch == 'qwen2':
            packed, scales, dequantized = quantize_q4(sd_head := model.lm_head.weight.detach().numpy())
            assert not cfg.tie_word_embeddings and sd_head.shape == (cfg.vocab_size, cfg.hidden_size)
            build_fused(model, os.path.join(OUT, f'{arch}-fused-q4head.onnx'), q4_head=(packed, scales))
            with torch.no_grad():
                model.lm_head.weight.copy_(torch.from_numpy(dequantized))
            expected[f'{arch}-fused-q4head'] = {**meta, 'position_ids': False, 'cases': [reference(model, r) for r in rows]}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    for name in expected:
        print(f'[lens] {name}: {os.path.getsize(os.path.join(OUT, name + ".onnx")) / 1e3:.0f} kB', flush=True)


if __name__ == '__main__':
    write_hub_files() if sys.argv[1:] == ['--hub-files'] else main()
