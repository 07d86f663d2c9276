"""Step 2: learn a ~4k byte-level BPE on the first family's training text (tokenizer.jsonl: training
split only, see data/prepare.py) and write the Hugging Face
tokenizer.json / tokenizer_config.json that transformers.js loads."""
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '.cache', 'data')
OUT = os.path.join(HERE, '..', '.cache', 'tokenizer')
VOCAB_SIZE = 4096


def tokenizer_json(vocab, merges):
    eot = vocab[bpe.EOT]
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [{'id': eot, 'content': bpe.EOT, 'single_word': False, 'lstrip': False,
                          'rstrip': False, 'normalized': False, 'special': True}],
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [[a, b] for a, b in merges]},
    }


def tokenizer_config():
    return {'tokenizer_class': 'GPT2Tokenizer', 'bos_token': bpe.EOT, 'eos_token': bpe.EOT, 'unk_token': bpe.EOT,
            'add_bos_token': False, 'add_prefix_space': False, 'clean_up_tokenization_spaces': False,
            'model_max_length': 256}


def main():
    t0 = time.time()
    counts = collections.Counter()
    for line in open(os.path.join(DATA, 'tokenizer.jsonl'), encoding='utf-8'):
        counts.update(bpe.pieces(json.loads(line)['text']))
    print(f'[bpe] {len(counts):,} distinct pieces counted in {time.time() - t0:.1f}s', flush=True)
    vocab, merges = bpe.train(counts, VOCAB_SIZE, log=lambda s: print(s, flush=True))
    os.makedirs(OUT, exist_ok=True)
    json.dump(tokenizer_json(vocab, merges), open(os.path.join(OUT, 'tokenizer.json'), 'w', encoding='utf-8'), ensure_ascii=False)
    json.dump(tokenizer_config(), open(os.path.join(OUT, 'tokenizer_config.json'), 'w'), indent=1)
    print(f'[bpe] vocab {len(vocab)} ({len(merges)} merges) in {time.time() - t0:.1f}s -> {OUT}', flush=True)


if __name__ == '__main__':
    main()
