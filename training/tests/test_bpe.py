"""Python-side tokenizer checks: `/usr/bin/python3 -m unittest discover training/tests`.
(The must-pass parity checks against transformers.js live in tests/integration/models-tokenizer.test.ts.)"""
import collections
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tokenizer'))
try:
    import bpe  # noqa: E402  (needs Python's `regex`: Debian python3-regex)
except ImportError as e:
    if os.environ.get('REQUIRE_TRAINING_SOURCES'):
        raise
    raise unittest.SkipTest(f'{e}: install python3-regex (CI does)')

SAMPLES = ['Hello, world!', 'Emoji 👋🏽 🇫🇷 and CJK 日本語', '<b>html</b> &amp;', 'tabs\t\tand   spaces \n\n end  ',
           '', ' ', "don't won't it's", 'ideographic\u3000space, nbsp\u00a0x, bom\ufeffy, fs\x1cz']


def toy_tokenizer():
    text = ' '.join(SAMPLES) + ' the cat sat on the mat; the cat ate the rat' * 5
    vocab, merges = bpe.train(collections.Counter(bpe.pieces(text)), 300, log=lambda s: None)
    return bpe.Tokenizer(vocab, merges), vocab, merges


class BytesToUnicode(unittest.TestCase):
    def test_is_a_bijection_onto_printable_chars(self):
        m = bpe.bytes_to_unicode()
        self.assertEqual(len(m), 256)
        self.assertEqual(len(set(m.values())), 256)
        self.assertTrue(all(c.isprintable() and not c.isspace() for c in m.values()))
        self.assertEqual(m[ord('A')], 'A')
        self.assertEqual(m[ord(' ')], 'Ġ')  # GPT-2's famous space marker


class PreTokenizer(unittest.TestCase):
    def test_splits_like_gpt2(self):
        self.assertEqual(bpe.PATTERN.findall("I'm here  now"), ['I', "'m", ' here', ' ', ' now'])
        self.assertEqual(bpe.PATTERN.findall('a1 22!'), ['a', '1', ' 22', '!'])

    def test_uses_javascript_whitespace(self):
        # JavaScript's \s includes U+FEFF and excludes U+001C; transformers.js splits accordingly.
        self.assertEqual(bpe.PATTERN.findall('a\ufeffb'), ['a', '\ufeff', 'b'])
        self.assertEqual(bpe.PATTERN.findall('a\x1cb'), ['a', '\x1c', 'b'])
        self.assertEqual(bpe.PATTERN.findall('a \x1cb'), ['a', ' \x1c', 'b'])

    def test_pieces_cover_the_text(self):
        for s in SAMPLES:
            self.assertEqual(''.join(bpe.PATTERN.findall(s)), s)


class Training(unittest.TestCase):
    def test_first_merge_is_the_most_frequent_pair(self):
        vocab, merges = bpe.train({'ab': 5, 'bc': 3, 'abc': 1}, 256 + 1 + 1, log=lambda s: None)
        self.assertEqual(merges, [('a', 'b')])
        self.assertEqual(vocab['ab'], 257)

    def test_equals_recounting_every_pair_before_each_merge(self):
        # The definition, slowly: recount, take the most frequent pair (ties: the largest), merge it
        # left to right in every word. Small alphabets make ties and runs like 'aaaa' common.
        def reference(word_counts, vocab_size):
            vocab = {bpe.BYTE_TO_CHAR[b]: b for b in range(256)}
            vocab[bpe.EOT] = len(vocab)
            words, merges = {tuple(w): c for w, c in word_counts.items()}, []
            while len(vocab) < vocab_size:
                pairs = collections.Counter()
                for w, c in words.items():
                    for pair in zip(w, w[1:]):
                        pairs[pair] += c
                if not pairs:
                    break
                best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
                if pairs[best] < 2:
                    break
                merges.append(best)
                vocab[best[0] + best[1]] = len(vocab)
                merged = {}
                for w, c in words.items():
                    out, j = [], 0
                    while j < len(w):
                        if j + 1 < len(w) and (w[j], w[j + 1]) == best:
                            out.append(best[0] + best[1])
                            j += 2
                        else:
                            out.append(w[j])
                            j += 1
                    merged[tuple(out)] = merged.get(tuple(out), 0) + c
                words = merged
            return vocab, merges

        rng = random.Random(0)
        for trial in range(40):
            alphabet = rng.choice(['ab', 'abc', 'abcd ', 'xyz.'])
            counts = collections.Counter()
            for _ in range(rng.randint(1, 60)):
                counts[''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))] += rng.randint(1, 5)
            size = 257 + rng.randint(1, 40)
            got = bpe.train(counts, size, log=lambda s: None)
            self.assertEqual(got, reference(counts, size), f'trial {trial}')

    def test_incremental_counts_match_a_recount(self):
        tok, vocab, merges = toy_tokenizer()
        self.assertEqual(len(vocab), 256 + 1 + len(merges))
        self.assertEqual(len(set(vocab.values())), len(vocab))
        for a, b in merges:
            self.assertIn(a + b, vocab)


class RoundTrip(unittest.TestCase):
    def test_samples(self):
        tok, _, _ = toy_tokenizer()
        for s in SAMPLES:
            self.assertEqual(tok.decode(tok.encode(s)), s)

    def test_random_unicode(self):
        tok, _, _ = toy_tokenizer()
        rng = random.Random(0)
        for _ in range(300):
            cps = [rng.choice([rng.randint(32, 126), rng.randint(0, 0x2FF), rng.randint(0x3000, 0x9FFF),
                               rng.randint(0x1F300, 0x1FAFF), rng.choice([9, 10, 13, 32, 0x3000, 0xFEFF])])
                   for _ in range(rng.randint(0, 30))]
            s = ''.join(chr(c) for c in cps if not 0xD800 <= c <= 0xDFFF)
            self.assertEqual(tok.decode(tok.encode(s)), s)

    def test_merges_shorten_known_words(self):
        tok, _, _ = toy_tokenizer()
        self.assertLess(len(tok.encode(' the cat')), len(' the cat'.encode('utf-8')))


if __name__ == '__main__':
    unittest.main()
