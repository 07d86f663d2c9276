"""allocator.keep_freed_memory: memory freed by one training step is reused by the next rather
than returned to the kernel and faulted in again. Counted as minor page faults of a subprocess that
allocates and frees 160 MB twice, like a step's activations."""
import os
import subprocess
import sys
import unittest

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CYCLES = f'''
import resource, sys
sys.path.insert(0, {TRAINING!r})
from allocator import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == 'keep' else None
def step():
    blocks = [bytearray(8 << 20) for _ in range(20)]  # written through, so every page is touched
    del blocks
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
step()
step()
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
'''


def faults(mode):
    out = subprocess.run([sys.executable, '-c', CYCLES, mode], check=True, capture_output=True, text=True).stdout.split()
    return out[0], int(out[1])


@unittest.skipUnless(sys.platform.startswith('linux'), 'glibc only')
class KeepFreedMemory(unittest.TestCase):
    def test_a_second_step_reuses_the_first_ones_pages(self):
        _, default = faults('default')
        kept, reused = faults('keep')
        self.assertEqual(kept, 'True')
        pages = 2 * 160 * (1 << 20) // os.sysconf('SC_PAGE_SIZE')
        self.assertGreater(default, pages // 2, 'glibc returned the memory by default, as it should')
        self.assertLess(reused, pages // 20)


if __name__ == '__main__':
    unittest.main()
