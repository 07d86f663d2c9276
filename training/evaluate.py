"""Step 6: held-out loss / perplexity (whole held-out documents, per source, over the first
family's four sources and over all), perplexity on English text that no training source contains
(the Jargon File), and exact match on the held-out factual prompts. Writes checkpoints/<name>/eval.json.

  evaluate.py --name expert --checkpoint checkpoints/expert/best.pt
  evaluate.py --name first-family-expert --exported /path/to/public/models/expert --out FILE
(--exported reads the weights of an exported model folder, e.g. the first family's from git history,
so the old and new models are measured by the same code on the same text.)"""
import argparse
import gzip
import json
import math
import os
import re
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from allocator import keep_freed_memory  # noqa: E402
from export_onnx import load_checkpoint  # noqa: E402
from tokenize_data import load_tokenizer  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, os.path.join(HERE, 'data'))
from sources import FIRST_FAMILY_SOURCES  # noqa: E402

# English prose that none of the training sources contains, for a perplexity the data mix cannot
# have been tuned to: the Jargon File 4.4.7 (public domain, Debian package jargon-text), from its
# welcome text on, paragraphs joined, first UNSEEN_CHARS characters.
UNSEEN_TEXT = '/usr/share/doc/jargon-text/jargon.txt.gz'
UNSEEN_CHARS = 300_000


def load_exported(folder):
    """A model from an exported folder (config.json + onnx/model.onnx): the ONNX initializers are
    the PyTorch parameters under a 'model.' prefix, the output matrix tied to the embedding."""
    import onnx
    from onnx import numpy_helper
    from model import GPT, GPTConfig
    cfg = json.load(open(os.path.join(folder, 'config.json')))
    model = GPT(GPTConfig(vocab_size=cfg['vocab_size'], n_positions=cfg['n_positions'], n_layer=cfg['n_layer'],
                          n_head=cfg['n_head'], n_embd=cfg['n_embd'], layer_norm_epsilon=cfg['layer_norm_epsilon'],
                          activation_function=cfg['activation_function']))
    graph = onnx.load(os.path.join(folder, 'onnx', 'model.onnx')).graph
    weights = {i.name[len('model.'):]: torch.from_numpy(numpy_helper.to_array(i).copy())
               for i in graph.initializer if i.name.startswith('model.')}
    missing = model.load_state_dict(weights, strict=False).missing_keys
    assert missing == ['lm_head.weight'], f'weights not found in the export: {missing}'
    model.eval()
    return model, {'step': cfg.get('training_step')}


def unseen_text():
    raw = gzip.open(UNSEEN_TEXT, 'rt', encoding='utf-8').read()
    raw = raw[raw.index('This is the Jargon File, a comprehensive'):]
    paragraphs = [re.sub(r'\s+', ' ', p).strip() for p in raw.split('\n\n')]
    return '\n'.join(p for p in paragraphs if p)[:UNSEEN_CHARS]


@torch.no_grad()
def windows_loss(model, ids, batch=8):
    """Summed negative log-likelihood and count over non-overlapping windows of n_positions
    tokens; every token after a window's first is scored once."""
    block = model.cfg.n_positions
    windows = [ids[i:i + block] for i in range(0, len(ids) - 1, block)]
    windows = [w for w in windows if len(w) > 1]
    nll, n = 0.0, 0
    full = [w for w in windows if len(w) == block]
    rest = [w for w in windows if len(w) < block]
    for i in range(0, len(full), batch):
        x = torch.tensor(full[i:i + batch])
        logits, _ = model(x)
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1), reduction='sum')
        nll += loss.item()
        n += x[:, 1:].numel()
    for w in rest:
        x = torch.tensor([w])
        logits, _ = model(x)
        nll += torch.nn.functional.cross_entropy(logits[0, :-1], x[0, 1:], reduction='sum').item()
        n += len(w) - 1
    return nll, n


def summary(nll, n):
    return {'tokens': n, 'loss': nll / n, 'perplexity': math.exp(nll / n)}


def heldout_loss(model, tok):
    """Each source's held-out documents, joined with <|endoftext|>; 'first_family' sums the four
    sources the first family was measured on (the same documents), 'all' every source."""
    per_source = {}
    for line in open(os.path.join(HERE, '.cache', 'data', 'valid.jsonl'), encoding='utf-8'):
        d = json.loads(line)
        per_source.setdefault(d['source'], []).extend([tok.eot_id] + tok.encode(d['text']))
    result, sums = {}, {'first_family': [0.0, 0], 'all': [0.0, 0]}
    for source, ids in per_source.items():
        nll, n = windows_loss(model, ids)
        result[source] = summary(nll, n)
        for key in ('first_family', 'all') if source in FIRST_FAMILY_SOURCES else ('all',):
            sums[key][0] += nll
            sums[key][1] += n
    for key, (nll, n) in sums.items():
        result[key] = summary(nll, n)
    return result


def unseen_loss(model, tok):
    return summary(*windows_loss(model, [tok.eot_id] + tok.encode(unseen_text())))


def greedy_text(model, tok, prompt_ids, max_new):
    return greedy_texts(model, tok, [prompt_ids], [max_new])[0]


def greedy_texts(model, tok, prompts, max_news, batch=64):
    """Greedy continuations of many prompts, up to max_news[i] tokens or <|endoftext|>. Prompts of
    the same token length run as one batch, so no row is padded: one prompt at a time took 159 s for
    the expert's 1,518 factual prompts, and batches give the same continuations (training/README.md)."""
    by_length = {}
    for i, ids in enumerate(prompts):
        by_length.setdefault(len(ids), []).append(i)
    out = [None] * len(prompts)
    for rows in by_length.values():
        for s in range(0, len(rows), batch):
            chunk = rows[s:s + batch]
            continuations = greedy_batch(model, tok.eot_id, torch.tensor([prompts[i] for i in chunk]),
                                         [max_news[i] for i in chunk])
            for i, ids in zip(chunk, continuations):
                out[i] = tok.decode(ids)
    return out


@torch.no_grad()
def greedy_batch(model, eot_id, prompts, max_news):
    """(B, T) prompt ids -> B lists of greedy token ids, through the KV cache (the export's path,
    tested equal to recomputing)."""
    cfg = model.cfg
    B, H, D = prompts.shape[0], cfg.n_head, cfg.n_embd // cfg.n_head
    past = [(torch.zeros(B, H, 0, D), torch.zeros(B, H, 0, D)) for _ in range(cfg.n_layer)]
    new, P = prompts, 0
    generated = [[] for _ in range(B)]
    running = [m > 0 for m in max_news]
    while any(running):
        T = new.shape[1]
        logits, past, _ = model.forward_cached(new, torch.ones(B, P + T, dtype=torch.int64),
                                               torch.arange(P, P + T).expand(B, T), past)
        P += T
        new = logits[:, -1].argmax(-1, keepdim=True)                 # (B, 1)
        for r in range(B):
            if running[r]:
                token = int(new[r, 0])
                if token == eot_id:
                    running[r] = False
                else:
                    generated[r].append(token)
                    running[r] = len(generated[r]) < max_news[r]
    return generated


def is_match(continuation, answer):
    """Correct when the continuation starts with the answer and the answer is not the prefix of a longer word."""
    if not continuation.startswith(answer):
        return False
    rest = continuation[len(answer):]
    return rest == '' or not rest[0].isalnum()


def factual_accuracy(model, tok):
    """Greedy exact match per relation, over the original four relations (the first family's
    988 prompts) and over all."""
    fx = json.load(open(os.path.join(REPO, 'tests', 'fixtures', 'factual-prompts.json'), encoding='utf-8'))
    original = set(fx.get('original_relations', []))
    by_rel, examples = {}, []
    continuations = greedy_texts(model, tok, [tok.encode(p['prompt']) for p in fx['prompts']],
                                 [len(tok.encode(p['answer'])) + 2 for p in fx['prompts']])
    for p, cont in zip(fx['prompts'], continuations):
        ok = is_match(cont, p['answer'])
        r = by_rel.setdefault(p['relation'], [0, 0])
        r[0] += ok
        r[1] += 1
        if sum(e['correct'] == ok for e in examples) < 10:  # up to 10 right and 10 wrong, for the card
            examples.append({'prompt': p['prompt'], 'answer': p['answer'], 'continuation': cont, 'correct': ok})
    correct = sum(v[0] for v in by_rel.values())
    total = sum(v[1] for v in by_rel.values())
    o_correct = sum(v[0] for k, v in by_rel.items() if k in original)
    o_total = sum(v[1] for k, v in by_rel.items() if k in original)
    return {'correct': correct, 'total': total, 'accuracy': correct / total,
            'original': {'relations': sorted(original), 'correct': o_correct, 'total': o_total,
                         'accuracy': o_correct / max(1, o_total)},
            'by_relation': {k: {'correct': v[0], 'total': v[1], 'accuracy': v[0] / v[1]} for k, v in by_rel.items()},
            'examples': examples}


def main():
    p = argparse.ArgumentParser()
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint')
    src.add_argument('--exported', help='an exported model folder instead of a checkpoint')
    p.add_argument('--name', required=True)
    p.add_argument('--out', help='default: checkpoints/<name>/eval.json')
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    keep_freed_memory()
    torch.set_num_threads(a.threads)
    model, ck = load_exported(a.exported) if a.exported else load_checkpoint(a.checkpoint)
    tok = load_tokenizer()
    t0 = time.time()
    res = {'name': a.name, 'checkpoint': os.path.relpath(a.checkpoint or a.exported, HERE), 'step': ck['step'],
           'heldout': heldout_loss(model, tok), 'unseen': {'text': 'Jargon File 4.4.7 (Debian jargon-text), first '
                                                                  f'{UNSEEN_CHARS:,} characters of its welcome text on'}}
    res['unseen'].update(unseen_loss(model, tok))
    t1 = time.time()
    res['factual'] = factual_accuracy(model, tok)
    res['eval_seconds'] = {'heldout': round(t1 - t0, 1), 'factual': round(time.time() - t1, 1)}
    out = a.out or os.path.join(HERE, 'checkpoints', a.name, 'eval.json')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    json.dump(res, open(out, 'w'), indent=1, ensure_ascii=False)
    h, ff, u, f = res['heldout']['all'], res['heldout']['first_family'], res['unseen'], res['factual']
    print(f'[eval] {a.name}: held-out perplexity {h["perplexity"]:.2f} (all, {h["tokens"]:,} tokens), '
          f'{ff["perplexity"]:.2f} (first family\'s four sources), unseen text {u["perplexity"]:.2f}; factual exact match '
          f'{f["original"]["correct"]}/{f["original"]["total"]} = {100 * f["original"]["accuracy"]:.1f}% (original relations), '
          f'{f["correct"]}/{f["total"]} = {100 * f["accuracy"]:.1f}% (all) '
          f'({res["eval_seconds"]["heldout"]}s + {res["eval_seconds"]["factual"]}s)', flush=True)


if __name__ == '__main__':
    main()
