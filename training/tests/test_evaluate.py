"""evaluate.greedy_texts, which runs the factual prompts in batches through the KV cache, gives
every prompt the continuation that greedy decoding by recomputing the whole sequence gives it.
A small random model; skipped where PyTorch is missing (CI has none)."""
import os
import sys
import unittest

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TRAINING)
try:
    import torch
    import evaluate
    from model import GPT, GPTConfig
except ImportError:  # CI: no PyTorch (evaluate also needs onnx and regex)
    torch = None


class Ids:
    """Token ids as text, so a continuation shows exactly which ids were chosen."""

    def __init__(self, eot_id):
        self.eot_id = eot_id

    def decode(self, ids):
        return ' '.join(map(str, ids))


def recomputed_greedy(model, prompt, max_new, eot_id):
    ids = list(prompt)
    for _ in range(max_new):
        with torch.no_grad():
            nxt = int(model(torch.tensor([ids]))[0][0, -1].argmax())
        if nxt == eot_id:
            break
        ids.append(nxt)
    return ids[len(prompt):]


@unittest.skipUnless(torch is not None, 'needs PyTorch')
class GreedyTexts(unittest.TestCase):
    def test_batches_give_each_prompt_its_own_greedy_continuation(self):
        torch.manual_seed(0)
        model = GPT(GPTConfig(vocab_size=48, n_positions=32, n_layer=2, n_head=2, n_embd=16)).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(8)  # decisive logits: no near-ties for rounding to flip
        g = torch.Generator().manual_seed(1)
        prompts = [torch.randint(0, 48, (int(n),), generator=g).tolist()
                   for n in torch.randint(3, 7, (40,), generator=g)]         # 4 lengths, ~10 prompts each
        max_news = torch.randint(0, 8, (40,), generator=g).tolist()
        eot_id = recomputed_greedy(model, prompts[0], 1, -1)[0]              # one row at least ends on it
        expected = [recomputed_greedy(model, p, m, eot_id) for p, m in zip(prompts, max_news)]
        self.assertTrue(any(len(e) < m for e, m in zip(expected, max_news)), 'some row stops at eot')
        for batch in (64, 3):
            got = evaluate.greedy_texts(model, Ids(eot_id), prompts, max_news, batch=batch)
            self.assertEqual(got, [' '.join(map(str, e)) for e in expected], f'batch {batch}')


if __name__ == '__main__':
    unittest.main()
