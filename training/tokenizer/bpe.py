"""Byte-level BPE, GPT-2 style: text -> regex pieces -> UTF-8 bytes -> printable unicode
symbols -> merges. Written so the Hugging Face tokenizer.json it exports (ByteLevel
pre-tokenizer + BPE model + ByteLevel decoder) gives exactly the same ids in transformers.js."""
import collections
import heapq

import regex

# transformers.js uses this exact pattern with JavaScript's \s. Python's \s differs on a few
# code points (\x1c-\x1f, \x85, \ufeff), so spell out JavaScript's whitespace set explicitly.
_JS_WS = r'\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
PATTERN = regex.compile(
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^" + _JS_WS + r"\p{L}\p{N}]+|[" + _JS_WS + r"]+(?![^" + _JS_WS + r"])|[" + _JS_WS + r"]+")

EOT = '<|endoftext|>'


def bytes_to_unicode():
    """Map every byte to a printable unicode char: printable Latin-1 bytes map to themselves,
    the rest to 256+n, so no byte becomes whitespace or a control char inside a token string."""
    keep = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(keep, map(chr, chars)))


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def pieces(text):
    """Regex pre-tokenization, each piece rendered as byte-level symbols."""
    return [''.join(BYTE_TO_CHAR[b] for b in p.encode('utf-8')) for p in PATTERN.findall(text)]


class _Descending:
    """A pair that sorts in reverse, so a min-heap of (-count, pair) pops the largest pair among
    equal counts, the same tie-break as max((count, pair))."""
    __slots__ = ('pair',)

    def __init__(self, pair):
        self.pair = pair

    def __lt__(self, other):
        return self.pair > other.pair


def train(word_counts, vocab_size, special=(EOT,), log=print):
    """Learn merges from a {piece: count} table. Pair counts are kept incrementally: a merge only
    touches the words that contain the merged pair, which makes ~4k merges take seconds, not hours.
    The most frequent pair comes from a heap whose stale entries (a count that has changed since)
    are skipped; scanning every pair for each merge took 50 of the tokenizer's 53 s."""
    alphabet = [BYTE_TO_CHAR[b] for b in range(256)]
    vocab = {c: i for i, c in enumerate(alphabet)}
    for s in special:
        vocab[s] = len(vocab)
    words = [list(w) for w in word_counts]
    counts = list(word_counts.values())
    pair_counts = collections.Counter()
    where = collections.defaultdict(set)  # pair -> indices of words that contain it
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pair_counts[(a, b)] += counts[i]
            where[(a, b)].add(i)
    heap = [(-c, _Descending(p)) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    merges = []
    while len(vocab) < vocab_size and pair_counts:
        # Ties broken by the pair itself so the result is deterministic.
        neg, top = heapq.heappop(heap)
        best = top.pair
        if pair_counts.get(best) != -neg:
            continue  # stale: this pair's count changed after the entry was pushed
        if pair_counts[best] < 2:
            break
        a, b = best
        merged = a + b
        merges.append(best)
        vocab[merged] = len(vocab)
        touched = set()
        for i in list(where[best]):
            w, c = words[i], counts[i]
            for x, y in zip(w, w[1:]):  # remove this word's old pairs
                pair_counts[(x, y)] -= c
                if pair_counts[(x, y)] <= 0:
                    del pair_counts[(x, y)]
                where[(x, y)].discard(i)
                touched.add((x, y))
            out, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(merged)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for x, y in zip(out, out[1:]):  # add its new pairs
                pair_counts[(x, y)] += c
                where[(x, y)].add(i)
                touched.add((x, y))
        for pair in touched:
            if pair in pair_counts:
                heapq.heappush(heap, (-pair_counts[pair], _Descending(pair)))
        if len(merges) % 500 == 0:
            log(f'[bpe] {len(merges)} merges, vocab {len(vocab)}')
    return vocab, merges


class Tokenizer:
    """Encoder/decoder over a learned vocab + merges (the reference the TypeScript tokenizer must match)."""

    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.inv = {i: s for s, i in vocab.items()}
        self.ranks = {tuple(m): r for r, m in enumerate(merges)}
        self.eot_id = vocab[EOT]
        self.cache = {}

    def _bpe(self, piece):
        if piece in self.cache:
            return self.cache[piece]
        w = list(piece)
        while len(w) > 1:
            ranked = [(self.ranks.get(p, 1 << 30), k) for k, p in enumerate(zip(w, w[1:]))]
            rank, k = min(ranked)
            if rank == 1 << 30:
                break
            a, b = w[k], w[k + 1]
            out, j = [], 0
            while j < len(w):  # merge every occurrence of the best pair, left to right
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(a + b)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            w = out
        ids = [self.vocab[s] for s in w]
        if len(self.cache) < 200_000:
            self.cache[piece] = ids
        return ids

    def encode(self, text):
        """Plain text only: the special token is never parsed out of user text here (callers add it)."""
        ids = []
        for p in pieces(text):
            ids.extend(self._bpe(p))
        return ids

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            s = self.inv[i]
            if s == EOT:
                out.extend(s.encode('utf-8'))
            else:
                out.extend(CHAR_TO_BYTE[c] for c in s)
        return out.decode('utf-8', errors='replace')
