"""Does keeping freed memory (allocator.py) speed training up, and does it change anything?
Short runs of train.py with both shipped recipes, glibc's own thresholds against kept memory,
in one run of this script; prints tokens/s side by side and whether the weights are bit-identical.

  /usr/bin/python3 training/bench_allocator.py [--repeats 2]

Needs the prepared data (npm run models, steps data to tokenize)."""
import argparse
import os
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# The shipped recipes (train_family.sh), cut short; each run evaluates three times, so the tokens/s
# below is training alone (train.py times its windows between evaluations).
RECIPES = {
    'amateur': ['--n_layer', '2', '--n_embd', '128', '--n_head', '4', '--repeat_frac', '0.25', '--batch', '8',
                '--lr', '2e-3', '--steps', '450', '--eval_every', '150'],
    'expert': ['--n_layer', '8', '--n_embd', '224', '--n_head', '4', '--batch', '8', '--accum', '2', '--lr', '1e-3',
               '--warmup', '300', '--steps', '150', '--eval_every', '50', '--eval_batches', '8'],
}


def run(recipe, allocator, out):
    subprocess.run([sys.executable, os.path.join(HERE, 'train.py'), '--name', recipe, '--allocator', allocator,
                    '--out', out, *RECIPES[recipe]], check=True, capture_output=True)
    ck = torch.load(os.path.join(out, recipe, 'last.pt'))
    curve = ck['log']['curve']
    tokens = [c['tokens'] - (curve[i - 1]['tokens'] if i else 0) for i, c in enumerate(curve)]
    seconds = sum(t / c['tokens_per_s'] for t, c in zip(tokens, curve))
    return sum(tokens) / seconds, ck


def same_state(a, b):
    weights = all(torch.equal(a['model'][k], b['model'][k]) for k in a['model'])
    moments = all(torch.equal(x, y) for sa, sb in zip(a['opt']['state'].values(), b['opt']['state'].values())
                  for x, y in zip(sa.values(), sb.values()))
    curve = [(c['train_loss'], c['val_loss']) for c in a['log']['curve']] == \
            [(c['train_loss'], c['val_loss']) for c in b['log']['curve']]
    return weights and moments and curve


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--repeats', type=int, default=2, help='runs per recipe and allocator, alternating')
    a = p.parse_args()
    print('| recipe | glibc default, tokens/s | freed memory kept, tokens/s | ratio | weights, moments, losses |')
    print('|---|---:|---:|---:|---|')
    for recipe in RECIPES:
        rates = {'default': [], 'keep': []}
        states = {}
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(a.repeats):
                for allocator in (('default', 'keep') if i % 2 == 0 else ('keep', 'default')):
                    rate, states[allocator] = run(recipe, allocator, os.path.join(tmp, f'{allocator}{i}'))
                    rates[allocator].append(rate)
        d, k = (sum(r) / len(r) for r in (rates['default'], rates['keep']))
        same = 'bit-identical' if same_state(states['default'], states['keep']) else 'DIFFERENT'
        print(f"| {recipe} | {d:,.0f} ({', '.join(f'{r:,.0f}' for r in rates['default'])}) | "
              f"{k:,.0f} ({', '.join(f'{r:,.0f}' for r in rates['keep'])}) | {k / d:.2f}x | {same} |", flush=True)


if __name__ == '__main__':
    main()
