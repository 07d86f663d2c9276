"""loops.py: a loop window keeps the text up to the loop, then repeats one stretch to the end."""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from loops import loop_window  # noqa: E402


def period_of(window, original):
    """The first index that differs from the original, and the shortest period from there on."""
    start = int(np.flatnonzero(window != original)[0])
    tail = window[start:]
    for period in range(1, len(tail)):
        if np.array_equal(tail[period:], tail[:-period]):
            return start, period
    return start, len(tail)


class LoopWindowTest(unittest.TestCase):
    def test_prefix_kept_then_one_stretch_repeated(self):
        original = np.arange(1000, 1257)  # distinct ids, so any repetition comes from the loop
        periods = set()
        for seed in range(300):
            looped = loop_window(original, np.random.default_rng(seed))
            self.assertEqual(looped.shape, original.shape)
            first_changed, period = period_of(looped, original)
            # The repeated stretch is a stretch of the original text that ends where the loop begins.
            loop_start = first_changed - period
            self.assertGreaterEqual(loop_start, 0)
            np.testing.assert_array_equal(looped[:first_changed], original[:first_changed])
            np.testing.assert_array_equal(looped[first_changed:first_changed + period], original[loop_start:first_changed])
            self.assertLess(loop_start, len(original) // 2)
            self.assertTrue(2 <= period <= 48, period)
            periods.add(period)
        self.assertLess(min(periods), 4)   # short loops ("or Senator or Senator") ...
        self.assertGreater(max(periods), 30)  # ... and long ones occur

    def test_the_input_is_not_changed(self):
        original = np.arange(257)
        loop_window(original, np.random.default_rng(0))
        np.testing.assert_array_equal(original, np.arange(257))


if __name__ == '__main__':
    unittest.main()
