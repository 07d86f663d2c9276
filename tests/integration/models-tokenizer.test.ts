import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The shared byte-level BPE tokenizer as transformers.js loads it from public/models: it must give
 * the ids the Python trainer/encoder gave (tests/fixtures/tokenizer-parity.json, written by
 * training/fixtures.py) and decode(encode(s)) must give back s for any Unicode text.
 */
const ROOT = join(import.meta.dirname, '..', '..');
env.allowRemoteModels = false;
env.localModelPath = join(ROOT, 'public', 'models');

const parity = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'tokenizer-parity.json'), 'utf8')) as {
  cases: { text: string; ids: number[] }[];
};

describe('shared tokenizer', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained('expert');
  const encode = (s: string) => tokenizer.encode(s, { add_special_tokens: false });
  // transformers.js refuses to decode an empty list; the empty string is its only preimage.
  const decode = (ids: number[]) =>
    ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });

  it('every model folder ships the same tokenizer.json', () => {
    const read = (name: string) => readFileSync(join(ROOT, 'public', 'models', name, 'tokenizer.json'), 'utf8');
    const digest = (name: string) => createHash('sha256').update(read(name)).digest('hex');
    expect(digest('amateur')).toBe(digest('expert'));
    expect(digest('expert-early')).toBe(digest('expert'));
    const tok = JSON.parse(read('expert'));
    expect(tok.model.type).toBe('BPE');
    expect(tok.pre_tokenizer.type).toBe('ByteLevel');
    expect(Object.keys(tok.model.vocab).length).toBe(4096);
  });

  it('gives the same ids as the Python tokenizer on the fixture strings', () => {
    expect(parity.cases.length).toBeGreaterThan(10);
    for (const { text, ids } of parity.cases) expect(encode(text), JSON.stringify(text)).toEqual(ids);
  });

  it('round-trips emoji, CJK, HTML and whitespace runs', () => {
    for (const { text } of parity.cases) expect(decode(encode(text))).toBe(text);
  });

  it('round-trips arbitrary Unicode text losslessly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => decode(encode(s)) === s),
      { seed: 42, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => decode(encode(s)) === s),
      { seed: 7, numRuns: 500 },
    );
  });

  it('keeps <|endoftext|> as one special token', () => {
    const eot = tokenizer.convert_tokens_to_ids('<|endoftext|>');
    expect(eot).toBeTypeOf('number');
    expect(encode('<|endoftext|>')).toEqual([eot]);
  });
});
