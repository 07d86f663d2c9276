"""Training windows turned into loops, for the amateur (train.py --repeat_frac).

Contrastive decoding penalises a token where the amateur is more confident in it than the expert,
so it steers away from the expert's greedy loops only if the amateur expects those loops more
strongly than the expert does. A small model trained on ordinary text does not (training/README.md,
loop_probe.py); one that has seen loops learns to continue a repeated stretch (an induction head,
which needs two layers). Only numpy here, so the tests run without PyTorch."""
import numpy as np


def loop_indices(n, rng, max_period=48):
    """Indices into a window of n tokens: unchanged up to the end of a stretch of `period` tokens
    that starts at a random point in the first half, then that stretch repeated to the end, the
    shape of a degenerate greedy loop ("or Senator or Senator ..."). Periods run from 2 to
    max_period tokens, log-uniform, so short and long loops are both common."""
    period = int(np.exp(rng.uniform(np.log(2), np.log(max_period + 1))))
    start = int(rng.integers(0, n // 2 - period)) if n // 2 > period else 0
    idx = np.arange(n)
    tail = idx[start + period:]
    idx[start + period:] = start + (tail - start) % period
    return idx


def loop_window(window, rng, max_period=48):
    """The window (a numpy array or a torch tensor of token ids) with a loop from loop_indices; a copy."""
    return window[loop_indices(len(window), rng, max_period)]
