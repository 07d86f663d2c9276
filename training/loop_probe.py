"""Do the amateurs find the expert's greedy loops as likely as the expert does?

  /usr/bin/python3 training/loop_probe.py [--prompts 12] [--tokens 128] [--amateur FOLDER]

Contrastive decoding penalises a token only where the amateur is more confident in it than the
expert; Li et al.'s premise is that a smaller model falls into the expert's loops harder. This
continues the first held-out openings (tests/fixtures/heldout-text-prompts.json) greedily with the
expert and prints each model's mean log-probability of those tokens, for the first and the second
half of the continuation (where the loops are). It reads the exported models in public/models (what
the site ships; --amateur names another exported folder, e.g. a candidate amateur)."""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import load_exported  # noqa: E402
from tokenize_data import load_tokenizer  # noqa: E402

MODELS = os.path.join(HERE, '..', 'public', 'models')


def logits_of(model, ids):
    out = model(ids)
    return (out[0] if isinstance(out, tuple) else out).float()


@torch.no_grad()
def main():
    p = argparse.ArgumentParser()
    p.add_argument('--prompts', type=int, default=12)
    p.add_argument('--tokens', type=int, default=128)
    p.add_argument('--amateur', default=os.path.join(MODELS, 'amateur'))
    a = p.parse_args()
    torch.set_num_threads(2)
    tokenizer = load_tokenizer()
    folders = {'expert': os.path.join(MODELS, 'expert'), 'amateur': a.amateur, 'expert-early': os.path.join(MODELS, 'expert-early')}
    models = {name: load_exported(folder)[0] for name, folder in folders.items()}
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
