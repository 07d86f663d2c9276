"""Step 3: encode train/held-out documents with the trained tokenizer into flat uint16 arrays,
one <|endoftext|> before every document (the separator the models learn to predict after a text)."""
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'tokenizer'))
import bpe  # noqa: E402

CACHE = os.path.join(HERE, '.cache')


def load_tokenizer():
    t = json.load(open(os.path.join(CACHE, 'tokenizer', 'tokenizer.json'), encoding='utf-8'))
    return bpe.Tokenizer(t['model']['vocab'], t['model']['merges'])


def main():
    tok = load_tokenizer()
    for split in ('train', 'valid'):
        t0 = time.time()
        ids, chars, per_source = [], 0, {}
        for line in open(os.path.join(CACHE, 'data', f'{split}.jsonl'), encoding='utf-8'):
            d = json.loads(line)
            enc = tok.encode(d['text'])
            ids.append(tok.eot_id)
            ids.extend(enc)
            chars += len(d['text'])
            per_source[d['source']] = per_source.get(d['source'], 0) + len(enc) + 1
        arr = np.array(ids, dtype=np.uint16)
        arr.tofile(os.path.join(CACHE, 'data', f'{split}.bin'))
        json.dump({'tokens': len(arr), 'chars': chars, 'tokens_per_source': per_source},
                  open(os.path.join(CACHE, 'data', f'{split}.tokens.json'), 'w'), indent=1)
        print(f'[tokenize] {split}: {len(arr):,} tokens ({chars / len(arr):.2f} chars/token) in {time.time() - t0:.1f}s {per_source}', flush=True)


if __name__ == '__main__':
    main()
