"""Mean acceptance alpha = E[sum_x min(p, q)] (T = 1) of draft q against target p over held-out windows."""
import sys, numpy as np, torch
sys.path.insert(0, __import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)), '..'))
from export_onnx import load_checkpoint
torch.set_num_threads(2)
target = load_checkpoint(sys.argv[1])[0].eval()
valid = np.fromfile(__import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)), '..', '.cache', 'data', 'valid.bin'), dtype=np.uint16).astype(np.int64)
rng = np.random.default_rng(0)
starts = rng.integers(0, len(valid) - 129, size=24)
x = torch.from_numpy(np.stack([valid[s:s + 128] for s in starts]))
def probs(m):
    out = m(x); out = out[0] if isinstance(out, tuple) else out
    return torch.softmax(out.float(), -1)
with torch.no_grad():
    p = probs(target)
    for path in sys.argv[2:]:
        q = probs(load_checkpoint(path)[0].eval())
        print(path, 'alpha', round(torch.minimum(p, q).sum(-1).mean().item(), 4))
