"""Do the amateurs find the expert's greedy loops as likely as the expert does?

  /usr/bin/python3 training/loop_probe.py [--prompts 12] [--tokens 128]

Contrastive decoding penalises a token only where the amateur is more confident in it than the
expert; Li et al.'s premise is that a smaller model falls into the expert's loops harder. This
continues the first held-out openings (tests/fixtures/heldout-text-prompts.json) greedily with the
expert and prints each model's mean log-probability of those tokens, for the first and the second
half of the continuation (where the loops are)."""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_onnx import load_checkpoint  # noqa: E402
from tokenize_data import load_tokenizer  # noqa: E402

CHECKPOINTS = {'expert': 'checkpoints/expert/best.pt', 'amateur': 'checkpoints/amateur/best.pt',
               'expert-early': 'checkpoints/expert/expert-early.pt'}


def logits_of(model, ids):
    out = model(ids)
    return (out[0] if isinstance(out, tuple) else out).float()


@torch.no_grad()
def main():
    p = argparse.ArgumentParser()
    p.add_argument('--prompts', type=int, default=12)
    p.add_argument('--tokens', type=int, default=128)
    a = p.parse_args()
    torch.set_num_threads(2)
    tokenizer = load_tokenizer()
    models = {name: load_checkpoint(os.path.join(HERE, path))[0].eval() for name, path in CHECKPOINTS.items()}
    fixture = json.load(open(os.path.join(HERE, '..', 'tests', 'fixtures', 'heldout-text-prompts.json')))
    half = a.tokens // 2
    totals = {name: [0.0, 0.0] for name in models}
    for entry in fixture['prompts'][:a.prompts]:
        prompt = tokenizer.encode(entry['prompt'])
        ids = torch.tensor([prompt])
        for _ in range(a.tokens):
            ids = torch.cat([ids, logits_of(models['expert'], ids)[:, -1].argmax(-1, keepdim=True)], 1)
        targets = ids[0, len(prompt):]                                    # (tokens,)
        for name, model in models.items():
            log_probs = torch.log_softmax(logits_of(model, ids[:, :-1])[0, len(prompt) - 1:], -1)  # (tokens, vocab)
            chosen = log_probs[torch.arange(a.tokens), targets]
            totals[name][0] += chosen[:half].sum().item()
            totals[name][1] += chosen[half:].sum().item()
    count = a.prompts * half
    print(f"mean log-probability of the expert's greedy continuations ({a.prompts} openings, {a.tokens} tokens)")
    for name, (first, second) in totals.items():
        print(f'  {name:<13} tokens 1-{half}: {first / count:.2f}   tokens {half + 1}-{a.tokens}: {second / count:.2f}')


if __name__ == '__main__':
    main()
