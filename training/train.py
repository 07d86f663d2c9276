"""Step 4: train one model of the family, on CPU (the build) or on a GPU (--device cuda).

Usage: train.py --name expert --n_layer 8 --n_embd 224 --n_head 4 --steps 12000
Writes training/checkpoints/<name>/{last,best}.pt (+ any --snapshot_at copies, e.g. expert-early)
and <name>/log.json with the loss curve. --resume continues from last.pt, which is written at every
evaluation and at least every --checkpoint_minutes, so a stopped run loses a few minutes at most.

Speed on the 2-core build machine comes from three measured changes (see training/README.md):
bf16 autocast where the CPU has bf16 instructions, the loss computed in bf16 (model.next_token_loss)
and exact GELU instead of the tanh approximation."""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

from allocator import keep_freed_memory
from loops import loop_window
from model import GPT, GPTConfig

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '.cache', 'data')
CKPT = os.path.join(HERE, 'checkpoints')


def get_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument('--name', required=True)
    p.add_argument('--n_layer', type=int, required=True)
    p.add_argument('--n_embd', type=int, required=True)
    p.add_argument('--n_head', type=int, required=True)
    p.add_argument('--activation', default='gelu', choices=['gelu', 'gelu_new'])
    p.add_argument('--block', type=int, default=256)
    p.add_argument('--batch', type=int, default=16, help='sequences per micro-batch')
    p.add_argument('--accum', type=int, default=1, help='micro-batches per optimizer step')
    p.add_argument('--steps', type=int, required=True, help='optimizer steps: the run, and its LR schedule')
    p.add_argument('--minutes', type=float, default=0.0,
                   help='if > 0, also a wall-clock budget: the LR schedule follows whichever of steps and time '
                        'is further along, and the run stops when either is spent')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--min_lr_frac', type=float, default=0.1)
    p.add_argument('--warmup', type=int, default=100)
    p.add_argument('--weight_decay', type=float, default=0.1)
    p.add_argument('--eval_every', type=int, default=100)
    p.add_argument('--eval_batches', type=int, default=8)
    p.add_argument('--checkpoint_minutes', type=float, default=3.0)
    p.add_argument('--snapshot_at', type=str, default='',
                   help='FRACTION:NAME[,FRACTION:NAME...], save a named copy once training progress reaches FRACTION')
    p.add_argument('--repeat_frac', type=float, default=0.0,
                   help='share of training windows turned into loops (Batches); the amateur uses it')
    p.add_argument('--seed', type=int, default=1337)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    p.add_argument('--precision', default='auto', choices=['auto', 'bf16', 'fp32'],
                   help='auto: bf16 autocast on a GPU or on a CPU with bf16 instructions, else fp32')
    p.add_argument('--compile', action='store_true', help='torch.compile the model (PyTorch 2 on a GPU)')
    p.add_argument('--allocator', default='keep', choices=['keep', 'default'],
                   help="keep: glibc keeps freed memory for the next step (allocator.py); default: glibc's own "
                        'thresholds, for comparison (bench_allocator.py)')
    p.add_argument('--out', default=CKPT, help='folder that holds one folder per model')
    p.add_argument('--resume', action='store_true')
    p.add_argument('--reseed_at', type=int, nargs='*', default=[],
                   help='steps at which the batch sampler restarts from seed + step, as every resume did until '
                        'checkpoints kept its state; the shipped expert was resumed at step 2852, and its recipe '
                        'repeats that so a fresh build gives the same weights')
    return p.parse_args(argv)


def cpu_has_bf16():
    """AVX512-BF16 or AMX: without them autocast emulates bf16 and runs slower than fp32."""
    try:
        flags = open('/proc/cpuinfo').read()
    except OSError:
        return False
    return 'avx512_bf16' in flags or 'amx_bf16' in flags


def choose_precision(args):
    if args.precision != 'auto':
        return args.precision
    if args.device == 'cuda':
        return 'bf16' if torch.cuda.is_bf16_supported() else 'fp32'
    return 'bf16' if cpu_has_bf16() else 'fp32'


class Batches:
    """Random windows of block+1 tokens from a flat id array: inputs the first block, targets the
    last. On a GPU the whole array lives on the device, so sampling costs no host transfer.

    repeat_frac > 0 turns that share of the windows into loops (loops.py), for an amateur that must
    expect the loops a greedy expert falls into; 0 draws exactly the same windows as before."""

    def __init__(self, data, block, batch, device, repeat_frac=0.0):
        self.block, self.batch, self.device, self.repeat_frac = block, batch, device, repeat_frac
        self.data = torch.from_numpy(data.astype(np.int64)).to(device)
        self.offsets = torch.arange(block + 1, device=device)

    def sample(self, rng):
        ix = torch.from_numpy(rng.integers(0, len(self.data) - self.block - 1, size=self.batch)).to(self.device)
        windows = self.data[ix.unsqueeze(1) + self.offsets]          # (B, block+1)
        if self.repeat_frac > 0:
            for row in np.flatnonzero(rng.random(self.batch) < self.repeat_frac):
                windows[row] = loop_window(windows[row], rng)
        return windows[:, :-1], windows[:, 1:]                        # (B, T), (B, T)



def progress(step, elapsed, args):
    """Fraction of the run done: by steps, or by wall-clock time when that is further along."""
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
def quick_eval(model, valid, args):
    """fp32 loss on a fixed set of held-out windows (the same every time, so curves compare)."""
    model.eval()
    rng = np.random.default_rng(0)
    losses = []
    for _ in range(args.eval_batches):
        x, y = valid.sample(rng)
        losses.append(model(x, y)[1].item())
    model.train()
    return float(np.mean(losses))


def save(path, model, opt, step, elapsed, args, log, rng=None):
    tmp = path + '.tmp'
    torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'elapsed_s': round(elapsed, 1),
                'rng': rng.bit_generator.state if rng is not None else None,
                'config': vars(model.cfg), 'args': vars(args), 'log': log}, tmp)
    os.replace(tmp, path)  # never leave a half-written checkpoint behind if the run is stopped


def main(argv=None):
    args = get_args(argv)
    if args.allocator == 'keep':
        keep_freed_memory()  # a faster CPU step, same bits (allocator.py)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    if args.device == 'cuda':
        if not torch.cuda.is_available():
            raise SystemExit('--device cuda: no CUDA device is visible to PyTorch')
        torch.backends.cuda.matmul.allow_tf32 = True
    precision = choose_precision(args)
    train_ids = np.fromfile(os.path.join(DATA, 'train.bin'), dtype=np.uint16)
    valid_ids = np.fromfile(os.path.join(DATA, 'valid.bin'), dtype=np.uint16)
    vocab = json.load(open(os.path.join(HERE, '.cache', 'tokenizer', 'tokenizer.json'), encoding='utf-8'))['model']['vocab']
    cfg = GPTConfig(vocab_size=len(vocab), n_positions=args.block, n_layer=args.n_layer, n_head=args.n_head,
                    n_embd=args.n_embd, activation_function=args.activation)
    model = GPT(cfg).to(args.device)
    train = Batches(train_ids, args.block, args.batch, args.device, args.repeat_frac)
    valid = Batches(valid_ids, args.block, args.batch, args.device)
    # Decay matrices only; biases, norms and embeddings' scale are left alone (standard GPT-2 recipe).
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    fused = {'fused': True} if args.device == 'cuda' else {}
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.weight_decay},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=args.lr, betas=(0.9, 0.95), **fused)
    step_model = torch.compile(model) if args.compile else model
    out = os.path.join(args.out, args.name)
    os.makedirs(out, exist_ok=True)
    machine = torch.cuda.get_device_name(0) if args.device == 'cuda' else f'CPU, {args.threads} threads'
    tokens_per_step = args.batch * args.accum * args.block
    log = {'name': args.name, 'args': vars(args), 'config': vars(cfg), 'parameters': model.num_parameters(),
           'train_tokens_available': int(len(train_ids)), 'device': args.device, 'machine': machine,
           'precision': precision, 'torch': torch.__version__, 'curve': []}
    step, elapsed_before = 0, 0.0
    if args.resume and os.path.exists(os.path.join(out, 'last.pt')):
        ck = torch.load(os.path.join(out, 'last.pt'), map_location=args.device)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        step, log = ck['step'], ck['log']
        elapsed_before = ck.get('elapsed_s', log['curve'][-1]['elapsed_s'] if log['curve'] else 0.0)
        # The budget may change on resume (e.g. a longer run); keep a record of every restart.
        log.setdefault('resumed', []).append({'step': step, 'elapsed_s': elapsed_before, 'previous_args': log['args']})
        log['args'] = vars(args)
        print(f'[train {args.name}] resumed at step {step}', flush=True)
    # Snapshots still to write (a resumed run skips those already on disk).
    snapshots = [(float(frac), name) for frac, name in (s.split(':') for s in args.snapshot_at.split(',') if s)]
    snapshots = [(frac, name) for frac, name in snapshots if not os.path.exists(os.path.join(out, f'{name}.pt'))]
    print(f'[train {args.name}] {model.num_parameters():,} parameters, {len(train_ids):,} train tokens, '
          f'{machine}, {precision}, {tokens_per_step:,} tokens per step', flush=True)
    # A resume continues the batch sampler where it stopped, so an interrupted run gives the same
    # model as an uninterrupted one; checkpoints from before that restart it from seed + step.
    rng = np.random.default_rng(args.seed + step)
    if args.resume and step > 0 and ck.get('rng') is not None:
        rng.bit_generator.state = ck['rng']
    t0 = time.time()
    last_save = t0
    best = min([c['val_loss'] for c in log['curve']], default=float('inf'))
    running, n_running, window_t, window_step = 0.0, 0, t0, step
    frac = progress(step, elapsed_before, args)
    autocast = torch.autocast(args.device, dtype=torch.bfloat16, enabled=precision == 'bf16')
    while frac < 1.0:
        if step in args.reseed_at:
            rng = np.random.default_rng(args.seed + step)
        lr = lr_at(step, frac, args)
        for g in opt.param_groups:
            g['lr'] = lr
        for _ in range(args.accum):
            x, y = train.sample(rng)
            with autocast:
                _, loss = step_model(x, y)
            (loss / args.accum).backward()
            running += loss.item() / args.accum
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        n_running += 1
        elapsed = elapsed_before + time.time() - t0
        frac = progress(step, elapsed, args)
        for snap_frac, snap_name in [s for s in snapshots if frac >= s[0]]:
            snapshots.remove((snap_frac, snap_name))
            record = {'name': snap_name, 'step': step, 'tokens': step * tokens_per_step, 'progress': frac}
            log.setdefault('snapshots', []).append(record)
            log.setdefault('snapshot', record)  # the first one: model_card.py reads expert-early from here
            save(os.path.join(out, f'{snap_name}.pt'), model, opt, step, elapsed, args, log, rng)
            print(f'[train {args.name}] saved snapshot {snap_name} at step {step}', flush=True)
        if step % args.eval_every == 0 or frac >= 1.0:
            # Training speed only: the window ends before the evaluation and restarts after it.
            rate = (step - window_step) * tokens_per_step / max(time.time() - window_t, 1e-9)
            val = quick_eval(model, valid, args)
            log['curve'].append({'step': step, 'tokens': step * tokens_per_step, 'train_loss': running / n_running,
                                 'val_loss': val, 'lr': lr, 'elapsed_s': round(elapsed, 1), 'tokens_per_s': round(rate)})
            running, n_running, window_step = 0.0, 0, step
            save(os.path.join(out, 'last.pt'), model, opt, step, elapsed, args, log, rng)
            last_save = time.time()
            if val < best:
                best = val
                save(os.path.join(out, 'best.pt'), model, opt, step, elapsed, args, log, rng)
            json.dump(log, open(os.path.join(out, 'log.json'), 'w'), indent=1)
            print(f'[train {args.name}] step {step} ({100 * frac:.0f}%) train {log["curve"][-1]["train_loss"]:.3f} '
                  f'val {val:.3f} ({rate:,.0f} tok/s, {elapsed / 60:.1f} min)', flush=True)
            window_t = time.time()
        elif time.time() - last_save > 60 * args.checkpoint_minutes:
            save(os.path.join(out, 'last.pt'), model, opt, step, elapsed, args, log, rng)
            last_save = time.time()
    log['finished'] = True
    log['steps'] = step
    log['train_tokens_seen'] = step * tokens_per_step
    log['elapsed_s'] = round(elapsed_before + time.time() - t0, 1)
    json.dump(log, open(os.path.join(out, 'log.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
