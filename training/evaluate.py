"""Step 6: held-out loss / perplexity (whole held-out documents, per source and overall) and the
exact-match accuracy on the held-out factual prompts. Writes checkpoints/<name>/eval.json."""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_onnx import load_checkpoint  # noqa: E402
from tokenize_data import load_tokenizer  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, '..'))


@torch.no_grad()
def heldout_loss(model, tok, batch=8):
    """Each source's held-out documents, joined with <|endoftext|>, cut into non-overlapping
    windows of n_positions tokens; every token after a window's first is scored once."""
    block = model.cfg.n_positions
    per_source = {}
    for line in open(os.path.join(HERE, '.cache', 'data', 'valid.jsonl'), encoding='utf-8'):
        d = json.loads(line)
        per_source.setdefault(d['source'], []).extend([tok.eot_id] + tok.encode(d['text']))
    result, total_nll, total_n = {}, 0.0, 0
    for source, ids in per_source.items():
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
        result[source] = {'tokens': n, 'loss': nll / n, 'perplexity': math.exp(nll / n)}
        total_nll += nll
        total_n += n
    result['all'] = {'tokens': total_n, 'loss': total_nll / total_n, 'perplexity': math.exp(total_nll / total_n)}
    return result


@torch.no_grad()
def greedy_text(model, tok, prompt_ids, max_new):
    ids = list(prompt_ids)
    for _ in range(max_new):
        logits, _ = model(torch.tensor([ids]))
        nxt = int(logits[0, -1].argmax())
        if nxt == tok.eot_id:
            break
        ids.append(nxt)
    return tok.decode(ids[len(prompt_ids):])


def is_match(continuation, answer):
    """Correct when the continuation starts with the answer and the answer is not the prefix of a longer word."""
    if not continuation.startswith(answer):
        return False
    rest = continuation[len(answer):]
    return rest == '' or not rest[0].isalnum()


def factual_accuracy(model, tok):
    fx = json.load(open(os.path.join(REPO, 'tests', 'fixtures', 'factual-prompts.json'), encoding='utf-8'))
    by_rel, examples = {}, []
    for p in fx['prompts']:
        max_new = len(tok.encode(p['answer'])) + 2
        cont = greedy_text(model, tok, tok.encode(p['prompt']), max_new)
        ok = is_match(cont, p['answer'])
        r = by_rel.setdefault(p['relation'], [0, 0])
        r[0] += ok
        r[1] += 1
        if sum(e['correct'] == ok for e in examples) < 10:  # up to 10 right and 10 wrong, for the card
            examples.append({'prompt': p['prompt'], 'answer': p['answer'], 'continuation': cont, 'correct': ok})
    correct = sum(v[0] for v in by_rel.values())
    total = sum(v[1] for v in by_rel.values())
    return {'correct': correct, 'total': total, 'accuracy': correct / total,
            'by_relation': {k: {'correct': v[0], 'total': v[1], 'accuracy': v[0] / v[1]} for k, v in by_rel.items()},
            'examples': examples}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--checkpoint', required=True)
    p.add_argument('--name', required=True)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model, ck = load_checkpoint(a.checkpoint)
    tok = load_tokenizer()
    t0 = time.time()
    res = {'name': a.name, 'checkpoint': os.path.relpath(a.checkpoint, HERE), 'step': ck['step'],
           'heldout': heldout_loss(model, tok)}
    t1 = time.time()
    res['factual'] = factual_accuracy(model, tok)
    res['eval_seconds'] = {'heldout': round(t1 - t0, 1), 'factual': round(time.time() - t1, 1)}
    out = os.path.join(HERE, 'checkpoints', a.name)
    os.makedirs(out, exist_ok=True)
    json.dump(res, open(os.path.join(out, 'eval.json'), 'w'), indent=1, ensure_ascii=False)
    h, f = res['heldout']['all'], res['factual']
    print(f'[eval] {a.name}: held-out loss {h["loss"]:.4f} nats/token, perplexity {h["perplexity"]:.2f} over {h["tokens"]:,} tokens; '
          f'factual exact match {f["correct"]}/{f["total"]} = {100 * f["accuracy"]:.1f}% '
          f'({res["eval_seconds"]["heldout"]}s + {res["eval_seconds"]["factual"]}s)', flush=True)


if __name__ == '__main__':
    main()
