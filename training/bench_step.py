"""Where a training step's time goes, and what each speed-up buys, measured in one run.

  /usr/bin/python3 training/bench_step.py [--steps 8] [--profile]

Each row adds one change to the row above, on the same random batch, 2 threads:
  first-family recipe   fp32, tanh GELU, 8 x 192 (how the first family was trained)
  + bf16 autocast       torch.autocast('cpu', dtype=torch.bfloat16) around the forward pass
  + exact GELU          erf GELU (torch 1.13's tanh GELU is not vectorised in bf16)
  + bf16 loss           cross-entropy in bf16 (its fp32 log-softmax is not vectorised either)
  second-family expert  the same recipe at the shipped expert's size (8 x 224, 4 heads)
--profile prints torch.profiler's top operators for the first and the fourth row."""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402

ROWS = [
    # name, (n_layer, n_embd, n_head), activation, bf16 autocast, loss in bf16
    ('first-family recipe', (8, 192, 6), 'gelu_new', False, False),
    ('+ bf16 autocast', (8, 192, 6), 'gelu_new', True, False),
    ('+ exact GELU', (8, 192, 6), 'gelu', True, False),
    ('+ bf16 loss', (8, 192, 6), 'gelu', True, True),
    ('second-family expert', (8, 224, 4), 'gelu', True, True),
    ('second-family amateur', (1, 128, 4), 'gelu', True, True),
]


def autocast_loss(logits, targets):
    """The first family's loss: computed in fp32 under autocast."""
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


def measure(shape, activation, bf16, bf16_loss, steps, batch=8, block=256, profile=False):
    torch.manual_seed(0)
    n_layer, n_embd, n_head = shape
    model = M.GPT(M.GPTConfig(n_positions=block, n_layer=n_layer, n_embd=n_embd, n_head=n_head, activation_function=activation))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randint(0, 4096, (batch, block))
    y = torch.randint(0, 4096, (batch, block))
    phases = {'forward': 0.0, 'loss': 0.0, 'backward': 0.0, 'optimizer': 0.0}

    def step(record):
        t0 = time.perf_counter()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            logits, _ = model(x)
            t1 = time.perf_counter()
            loss = M.next_token_loss(logits, y) if bf16_loss else autocast_loss(logits, y)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        t4 = time.perf_counter()
        if record:
            for k, v in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                phases[k] += v

    for _ in range(2):
        step(False)
    for _ in range(steps):
        step(True)
    total = sum(phases.values())
    if profile:
        from torch.profiler import ProfilerActivity, profile as prof
        with prof(activities=[ProfilerActivity.CPU]) as p:
            step(False)
        print(p.key_averages().table(sort_by='self_cpu_time_total', row_limit=12))
    return batch * block * steps / total, {k: 1000 * v / steps for k, v in phases.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--steps', type=int, default=8)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--profile', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f'torch {torch.__version__}, {a.threads} threads, batch 8 x 256 tokens, {a.steps} timed steps per row\n')
    print('| recipe | tokens/s | forward ms | loss ms | backward ms | optimizer ms | vs first family |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    base = None
    for i, (name, shape, activation, bf16, bf16_loss) in enumerate(ROWS):
        rate, ms = measure(shape, activation, bf16, bf16_loss, a.steps, profile=a.profile and i in (0, 3))
        base = base or rate
        print(f"| {name} ({shape[0]} x {shape[1]}) | {rate:,.0f} | {ms['forward']:.0f} | {ms['loss']:.0f} | "
              f"{ms['backward']:.0f} | {ms['optimizer']:.0f} | {rate / base:.1f}x |", flush=True)


if __name__ == '__main__':
    main()
