"""Step 4: train one model of the family on CPU (a GPU is used if present, never required).

Usage: train.py --name expert --n_layer 8 --n_embd 192 --n_head 6 --steps 3000
Writes training/checkpoints/<name>/{last,best}.pt (+ any --snapshot_at copies, e.g. expert-early)
and <name>/log.json with the loss curve. --resume continues from last.pt."""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

from model import GPT, GPTConfig

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '.cache', 'data')
CKPT = os.path.join(HERE, 'checkpoints')


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument('--name', required=True)
    p.add_argument('--n_layer', type=int, required=True)
    p.add_argument('--n_embd', type=int, required=True)
    p.add_argument('--n_head', type=int, required=True)
    p.add_argument('--block', type=int, default=256)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--steps', type=int, required=True, help='upper bound on optimizer steps')
    p.add_argument('--minutes', type=float, default=0.0,
                   help='if > 0, a wall-clock budget: the LR schedule follows elapsed time and the run stops when it is spent '
                        '(our 2-core machine is shared, so a fixed step count would not fit a fixed time)')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--min_lr_frac', type=float, default=0.1)
    p.add_argument('--warmup', type=int, default=100)
    p.add_argument('--weight_decay', type=float, default=0.1)
    p.add_argument('--eval_every', type=int, default=100)
    p.add_argument('--eval_batches', type=int, default=8)
    p.add_argument('--snapshot_at', type=str, default='', help='FRACTION:NAME, save a named copy once training progress reaches FRACTION')
    p.add_argument('--seed', type=int, default=1337)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--resume', action='store_true')
    return p.parse_args()


def batches(data, block, batch, rng):
    """Random windows of block+1 tokens: inputs are the first block, targets the last block."""
    ix = rng.integers(0, len(data) - block - 1, size=batch)
    x = np.stack([data[i:i + block] for i in ix]).astype(np.int64)       # (B, T)
    y = np.stack([data[i + 1:i + 1 + block] for i in ix]).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def progress(step, elapsed, args):
    """Fraction of the run done: by steps, or by wall-clock time when a time budget is set."""
    frac = step / args.steps
    if args.minutes > 0:
        frac = max(frac, elapsed / (60 * args.minutes))
    return min(1.0, frac)


def lr_at(step, frac, args):
    """Linear warmup over the first steps, then cosine decay (over progress) to min_lr_frac of the peak."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    return args.lr * (args.min_lr_frac + (1 - args.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * frac)))


@torch.no_grad()
def quick_eval(model, valid, args, device):
    """Loss on a fixed set of held-out windows (same windows every time, so curves are comparable)."""
    model.eval()
    rng = np.random.default_rng(0)
    losses = []
    for _ in range(args.eval_batches):
        x, y = batches(valid, args.block, args.batch, rng)
        losses.append(model(x.to(device), y.to(device))[1].item())
    model.train()
    return float(np.mean(losses))


def save(path, model, opt, step, args, log):
    tmp = path + '.tmp'
    torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step,
                'config': vars(model.cfg), 'args': vars(args), 'log': log}, tmp)
    os.replace(tmp, path)  # never leave a half-written checkpoint behind if the run is stopped


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    train = np.fromfile(os.path.join(DATA, 'train.bin'), dtype=np.uint16)
    valid = np.fromfile(os.path.join(DATA, 'valid.bin'), dtype=np.uint16)
    vocab = json.load(open(os.path.join(HERE, '.cache', 'tokenizer', 'tokenizer.json'), encoding='utf-8'))['model']['vocab']
    cfg = GPTConfig(vocab_size=len(vocab), n_positions=args.block, n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd)
    model = GPT(cfg).to(device)
    # Decay matrices only; biases, norms and embeddings' scale are left alone (standard GPT-2 recipe).
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.weight_decay},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=args.lr, betas=(0.9, 0.95))
    out = os.path.join(CKPT, args.name)
    os.makedirs(out, exist_ok=True)
    log = {'name': args.name, 'args': vars(args), 'config': vars(cfg), 'parameters': model.num_parameters(),
           'train_tokens_available': int(len(train)), 'device': device, 'curve': []}
    step, elapsed_before = 0, 0.0
    if args.resume and os.path.exists(os.path.join(out, 'last.pt')):
        ck = torch.load(os.path.join(out, 'last.pt'))
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        step, log = ck['step'], ck['log']
        elapsed_before = log['curve'][-1]['elapsed_s'] if log['curve'] else 0.0
        # The budget may change on resume (e.g. a longer run); keep a record of every restart.
        log.setdefault('resumed', []).append({'step': step, 'elapsed_s': elapsed_before, 'previous_args': log['args']})
        log['args'] = vars(args)
        print(f'[train {args.name}] resumed at step {step}', flush=True)
    snap_frac, snap_name = (float(args.snapshot_at.split(':')[0]), args.snapshot_at.split(':')[1]) if args.snapshot_at else (2.0, '')
    snapped = os.path.exists(os.path.join(out, f'{snap_name}.pt')) if snap_name else True
    print(f'[train {args.name}] {model.num_parameters():,} parameters, {len(train):,} train tokens, device {device}', flush=True)
    rng = np.random.default_rng(args.seed + step)
    t0 = time.time()
    best = min([c['val_loss'] for c in log['curve']], default=float('inf'))
    running, n_running = 0.0, 0
    frac = progress(step, elapsed_before, args)
    while frac < 1.0:
        lr = lr_at(step, frac, args)
        for g in opt.param_groups:
            g['lr'] = lr
        x, y = batches(train, args.block, args.batch, rng)
        _, loss = model(x.to(device), y.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        running += loss.item()
        n_running += 1
        elapsed = elapsed_before + time.time() - t0
        frac = progress(step, elapsed, args)
        if not snapped and frac >= snap_frac:
            snapped = True
            log['snapshot'] = {'name': snap_name, 'step': step, 'tokens': step * args.batch * args.block, 'progress': frac}
            save(os.path.join(out, f'{snap_name}.pt'), model, opt, step, args, log)
            print(f'[train {args.name}] saved snapshot {snap_name} at step {step}', flush=True)
        if step % args.eval_every == 0 or frac >= 1.0:
            val = quick_eval(model, valid, args, device)
            tokens = step * args.batch * args.block
            log['curve'].append({'step': step, 'tokens': tokens, 'train_loss': running / n_running,
                                 'val_loss': val, 'lr': lr, 'elapsed_s': round(elapsed, 1)})
            running, n_running = 0.0, 0
            save(os.path.join(out, 'last.pt'), model, opt, step, args, log)
            if val < best:
                best = val
                save(os.path.join(out, 'best.pt'), model, opt, step, args, log)
            json.dump(log, open(os.path.join(out, 'log.json'), 'w'), indent=1)
            print(f'[train {args.name}] step {step} ({100 * frac:.0f}%) train {log["curve"][-1]["train_loss"]:.3f} '
                  f'val {val:.3f} ({tokens / max(elapsed, 1e-9):,.0f} tok/s, {elapsed / 60:.1f} min)', flush=True)
    log['finished'] = True
    log['steps'] = step
    log['train_tokens_seen'] = step * args.batch * args.block
    json.dump(log, open(os.path.join(out, 'log.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
