"""Step 7: reference outputs from PyTorch that the Node tests (npm test, no PyTorch there) compare
the shipped ONNX files and the TypeScript tokenizer against.

tests/fixtures/models/<name>.json (+ .bin, little-endian float32): for fixed prompts, the
layer_logits (N+1, vocab) at the last position, full-sequence logits for the first prompt, and
greedy continuations. tests/fixtures/tokenizer-parity.json: strings and their Python ids."""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_onnx import load_checkpoint  # noqa: E402
from tokenize_data import load_tokenizer  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, '..'))
FIXTURES = os.path.join(REPO, 'tests', 'fixtures')

PROMPTS = ['The capital of France is', 'In the beginning God created', 'She opened the door and saw']
GREEDY_PROMPTS = ['The capital of France is', 'In the beginning God created', 'She opened the door and saw',
                  'A programmer is', 'The United States of America', 'Once upon a time']
GREEDY_NEW_TOKENS = 24

TOKENIZER_STRINGS = [
    'Hello, world!', 'The quick brown fox jumps over the lazy dog.', "It's what they'd've said, isn't it?",
    'Emoji: 👋🏽 🇫🇷 👩‍👩‍👧‍👦 ✨', 'CJK: 日本語のテキスト 中文 한국어', 'Accents: café naïve Ærøskøbing Ünïcödé',
    '<div class="note">a &amp; b</div>\n<p>x</p>', 'Whitespace:   three\t\ttabs\n\n\nnewlines    \n  end   ',
    '   leading spaces', 'trailing spaces   ', 'Numbers 3.14159, 1,000,000 and ²³ ½', 'Mixed: αβγ δ Привет мир',
    'code: def f(x):\n    return x**2  # square', 'The capital of France is Paris.',
    'Zero\u200bwidth and non\u00a0breaking and ideographic\u3000space', '',
]


def to_f32(a):
    return np.ascontiguousarray(a, dtype='<f4')


def greedy(model, ids, n_new, eot):
    """Full recompute each step (no cache): the reference the KV-cached runtimes must match."""
    out, margins = list(ids), []
    with torch.no_grad():
        for _ in range(n_new):
            logits, _ = model(torch.tensor([out[-model.cfg.n_positions:]]))
            top2 = torch.topk(logits[0, -1], 2)
            margins.append(float(top2.values[0] - top2.values[1]))
            nxt = int(top2.indices[0])
            out.append(nxt)
            if nxt == eot:
                break
    return out[len(ids):], min(margins)


def model_fixture(name, checkpoint):
    model, _ = load_checkpoint(checkpoint)
    tok = load_tokenizer()
    N, V = model.cfg.n_layer, model.cfg.vocab_size
    blobs, offset, prompts = [], 0, []
    with torch.no_grad():
        for k, text in enumerate(PROMPTS):
            ids = tok.encode(text)
            T = len(ids)
            inp = torch.tensor([ids])
            past = [(torch.zeros(1, model.cfg.n_head, 0, model.cfg.n_embd // model.cfg.n_head),) * 2 for _ in range(N)]
            logits, _, layer_logits = model.forward_cached(inp, torch.ones(1, T, dtype=torch.int64),
                                                           torch.arange(T).unsqueeze(0), past)
            # The training path and the cached path must agree before anything is written.
            train_logits, _ = model(inp)
            assert torch.allclose(train_logits, logits, atol=1e-5), 'cached forward disagrees with training forward'
            entry = {'text': text, 'ids': ids}
            arr = to_f32(layer_logits[:, 0, :].numpy())                         # (N+1, V)
            entry['layer_logits'] = {'offset': offset, 'shape': [N + 1, V]}
            blobs.append(arr)
            offset += arr.size
            if k == 0:
                arr = to_f32(logits[0].numpy())                                 # (T, V)
                entry['logits'] = {'offset': offset, 'shape': [T, V]}
                blobs.append(arr)
                offset += arr.size
            prompts.append(entry)
    greedy_cases = []
    for text in GREEDY_PROMPTS:
        ids = tok.encode(text)
        new_ids, margin = greedy(model, ids, GREEDY_NEW_TOKENS, tok.eot_id)
        greedy_cases.append({'text': text, 'ids': ids, 'new_ids': new_ids, 'new_text': tok.decode(new_ids),
                             'min_top2_margin': margin})
    os.makedirs(os.path.join(FIXTURES, 'models'), exist_ok=True)
    np.concatenate([b.ravel() for b in blobs]).astype('<f4').tofile(os.path.join(FIXTURES, 'models', f'{name}.bin'))
    json.dump({'model': name, 'n_layer': N, 'n_head': model.cfg.n_head, 'n_embd': model.cfg.n_embd, 'vocab_size': V,
               'dtype': 'float32 little-endian, offsets in elements', 'prompts': prompts, 'greedy': greedy_cases},
              open(os.path.join(FIXTURES, 'models', f'{name}.json'), 'w', encoding='utf-8'), indent=1, ensure_ascii=False)
    worst = min(g['min_top2_margin'] for g in greedy_cases)
    print(f'[fixtures] {name}: {len(prompts)} logit prompts, {len(greedy_cases)} greedy cases '
          f'(smallest top-2 logit margin {worst:.4f})', flush=True)


def heldout_snippets(n=24, length=600):
    """Real held-out prose exercises thousands of merges, which hand-written strings cannot."""
    lines = open(os.path.join(HERE, '.cache', 'data', 'valid.jsonl'), encoding='utf-8').readlines()
    step = max(1, len(lines) // n)
    return [json.loads(l)['text'][:length] for l in lines[::step][:n]]


def tokenizer_fixture():
    tok = load_tokenizer()
    cases = []
    for s in TOKENIZER_STRINGS + ['aaaa aaaaa  bbbbbbb', 'ÿÿÿ \x00\x01 \u2028 \ufeff \x1c'] + heldout_snippets():
        ids = tok.encode(s)
        assert tok.decode(ids) == s, f'python round trip failed for {s!r}'
        cases.append({'text': s, 'ids': ids})
    json.dump({'description': 'Strings and the ids the Python BPE (training/tokenizer/bpe.py) gives them.',
               'cases': cases}, open(os.path.join(FIXTURES, 'tokenizer-parity.json'), 'w', encoding='utf-8'),
              indent=1, ensure_ascii=False)
    print(f'[fixtures] tokenizer: {len(cases)} strings', flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', nargs=2, action='append', metavar=('NAME', 'CHECKPOINT'), default=[])
    p.add_argument('--tokenizer', action='store_true')
    a = p.parse_args()
    if a.tokenizer:
        tokenizer_fixture()
    for name, ck in a.model:
        model_fixture(name, ck)


if __name__ == '__main__':
    main()
