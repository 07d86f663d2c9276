import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { acceptExportFlags, exportFlags } from './support/export-flags';

/**
 * transformers.js loads every bundled model from public/models with remote loading switched off,
 * and its KV-cached greedy decoding equals PyTorch's full-recompute greedy decoding token for
 * token (tests/fixtures/models/<name>.json, written by training/fixtures.py).
 */
const MODELS = ['amateur', 'expert', 'expert-early'] as const;
const ROOT = join(import.meta.dirname, '..', '..');
env.allowRemoteModels = false;
env.localModelPath = join(ROOT, 'public', 'models');

interface Fixture {
  n_layer: number;
  vocab_size: number;
  greedy: { text: string; ids: number[]; new_ids: number[]; new_text: string }[];
}

for (const name of MODELS) {
  describe(`transformers.js with ${name}`, async () => {
    const fx = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'models', `${name}.json`), 'utf8')) as Fixture;
    const tokenizer = await AutoTokenizer.from_pretrained(name);
    const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device: 'cpu' });
    acceptExportFlags(model);

    it('loads as a GPT-2 model', () => {
      expect(model.config.model_type).toBe('gpt2');
    });

    it('greedy output equals PyTorch greedy output token for token', async () => {
      for (const g of fx.greedy) {
        const inputs = tokenizer(g.text);
        expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)).toEqual(g.ids);
        const out = (await model.generate({ ...inputs, ...exportFlags(false), max_new_tokens: g.new_ids.length, do_sample: false })) as Tensor;
        const generated = Array.from(out.data as BigInt64Array, Number).slice(g.ids.length);
        expect(generated, g.text).toEqual(g.new_ids);
        expect(tokenizer.decode(generated)).toBe(g.new_text);
      }
    });

    it('forward() also returns the early-exit layer_logits', async () => {
      const inputs = tokenizer(fx.greedy[0].text);
      const out = await model({ ...inputs, ...exportFlags(true) });
      expect(out.layer_logits.dims).toEqual([fx.n_layer + 1, 1, fx.vocab_size]);
      const T = fx.greedy[0].ids.length;
      const last = (out.logits.data as Float32Array).subarray((T - 1) * fx.vocab_size, T * fx.vocab_size);
      const mature = (out.layer_logits.data as Float32Array).subarray(fx.n_layer * fx.vocab_size);
      expect(Array.from(mature)).toEqual(Array.from(last));
    });
  });
}
