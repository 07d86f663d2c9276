"""A resumed training run gives the same weights as an uninterrupted one, and --reseed_at repeats
the batch sampler's restart that resumes made before checkpoints kept its state (the shipped
expert was resumed that way at step 2,852). Tiny runs of train.py on the build's data; skipped
where PyTorch or the prepared data is missing (CI has neither)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
DATA = os.path.join(TRAINING, '.cache', 'data', 'train.bin')

try:
    import torch
except ImportError:  # CI: no PyTorch
    torch = None

TINY = ['--device', 'cpu', '--n_layer', '1', '--n_embd', '32', '--n_head', '2', '--batch', '2', '--block', '64',
        '--steps', '20', '--eval_every', '10', '--eval_batches', '1', '--threads', '1', '--warmup', '2']


@unittest.skipUnless(torch is not None and os.path.exists(DATA), 'needs PyTorch and the prepared data (npm run models)')
class ResumeTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.out)

    def train(self, name, *extra):
        subprocess.run([sys.executable, os.path.join(TRAINING, 'train.py'), '--name', name, '--out', self.out, *TINY, *extra],
                       check=True, capture_output=True)
        return torch.load(os.path.join(self.out, name, 'last.pt'))['model']

    def resume_from(self, name, checkpoint, *extra):
        os.makedirs(os.path.join(self.out, name))
        shutil.copy(checkpoint, os.path.join(self.out, name, 'last.pt'))
        return self.train(name, '--resume', *extra)

    def assertSameWeights(self, a, b, same=True):
        equal = a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
        self.assertEqual(equal, same)

    def test_resume_continues_the_batch_sampler(self):
        full = self.train('full', '--snapshot_at', '0.5:half')
        half = os.path.join(self.out, 'full', 'half.pt')
        self.assertSameWeights(self.resume_from('resumed', half), full)
        # A checkpoint without the sampler's state (as before) restarts it from seed + step: other batches.
        old = torch.load(half)
        old['rng'] = None
        torch.save(old, os.path.join(self.out, 'old.pt'))
        restarted = self.resume_from('restarted', os.path.join(self.out, 'old.pt'))
        self.assertSameWeights(restarted, full, same=False)
        # --reseed_at repeats exactly that restart in an uninterrupted run.
        self.assertSameWeights(self.train('reseeded', '--reseed_at', '10'), restarted)


if __name__ == '__main__':
    unittest.main()
