"""Does bf16 training follow fp32? Trains the same model from the same seed on the same batches
twice, once per precision, and prints both held-out loss curves side by side with their speed.

  /usr/bin/python3 training/check_precision.py [--steps 150] [model flags as in train.py]

The runs go to a temporary folder; nothing in training/checkpoints is touched."""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--steps', type=int, default=150)
    p.add_argument('--eval_every', type=int, default=25)
    p.add_argument('--n_layer', default='8')
    p.add_argument('--n_embd', default='224')
    p.add_argument('--n_head', default='4')
    p.add_argument('--batch', default='8')
    a = p.parse_args()
    curves = {}
    with tempfile.TemporaryDirectory() as out:
        for precision in ('bf16', 'fp32'):
            train.main(['--name', precision, '--n_layer', a.n_layer, '--n_embd', a.n_embd, '--n_head', a.n_head,
                        '--batch', a.batch, '--steps', str(a.steps), '--eval_every', str(a.eval_every), '--warmup', '50',
                        '--precision', precision, '--out', out])
            curves[precision] = json.load(open(os.path.join(out, precision, 'log.json')))['curve']
    print('step  val loss bf16  val loss fp32  difference')
    for b, f in zip(curves['bf16'], curves['fp32']):
        print(f'{b["step"]:>4}  {b["val_loss"]:13.4f}  {f["val_loss"]:13.4f}  {b["val_loss"] - f["val_loss"]:+10.4f}')
    speed = {k: sum(c['tokens_per_s'] for c in v[1:]) / max(1, len(v) - 1) for k, v in curves.items()}
    print(f'tokens/s: bf16 {speed["bf16"]:,.0f}, fp32 {speed["fp32"]:,.0f} ({speed["bf16"] / speed["fp32"]:.1f}x)')


if __name__ == '__main__':
    main()
