/**
 * The tiny Llama and Qwen2 forms (tests/fixtures/lens) as Hub models, through the whole model
 * path in Node: transformers.js loads each form's config and tokenizer and the lens-extended graph,
 * TransformersCausalLM runs it with its KV cache, and the early exits at the last position equal
 * PyTorch's lm_head(h_j) to 1e-4 (expected.json) for a prompt and for two cached steps after it.
 * The browser runs the same files through the stand-in Hub (tests/e2e/dola.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundledModel } from '../../src/lib/runtime/model';
import { ROOT } from './support/lens-models';
import { TINY_FORMS, tinyLensedFolder, type TinyForm } from './support/tiny-hub-models';

const TOLERANCE = 1e-4;

interface Case { ids: number[][]; last_logits: number[]; layer_logits: number[] }
const EXPECTED = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'lens', 'expected.json'), 'utf8')) as Record<TinyForm, { num_layers: number; vocab_size: number; cases: Case[] }>;

/** PyTorch's early exits of one row of a case: [layer][vocab]. */
function torchLayers(c: Case, row: number, layers: number, vocab: number): number[][] {
  const rows = c.ids.length;
  return Array.from({ length: layers + 1 }, (_, j) => c.layer_logits.slice((j * rows + row) * vocab, (j * rows + row + 1) * vocab));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(Object.keys(TINY_FORMS) as TinyForm[])('%s as a Hub model, through transformers.js and the layer lens', async (form) => {
  const expected = EXPECTED[form];
  const loaded = await loadBundledModel(form, { localModelPath: tinyLensedFolder(form) });
  const info = loaded.model.info;

  it('reads its config: blocks, KV heads, end-of-sequence, and early exits from the lens', () => {
    expect(info.numLayers).toBe(expected.num_layers);
    expect(info.vocabSize).toBe(expected.vocab_size);
    expect([info.numHeads, info.headDim, info.contextLength]).toEqual([1, 16, 64]);
    expect(info.eosTokenIds).toEqual([0]);
    expect(info.hasLayerLogits).toBe(true);
  });

  it('its tokenizer gives each ASCII byte its own id and decodes them back', () => {
    const text = 'The capital of France is';
    expect(loaded.encode(text)).toEqual([...text].map((ch) => ch.charCodeAt(0)));
    expect(loaded.decode(loaded.encode(text))).toBe(text);
  });

  it("equals PyTorch's early exits for a prompt, then for two steps on the KV cache", async () => {
    // Case 3's first row is case 0's first four tokens; case 0 then adds two more.
    const [whole, , , prefixes] = expected.cases;
    const ids = whole.ids[0];
    expect(prefixes.ids[0]).toEqual(ids.slice(0, 4));
    const first = await loaded.model.forward([ids.slice(0, 4)], null, { layerLogits: true });
    expect(maxAbsDiff(first.layerLogits![0].flatMap((row) => [...row]), torchLayers(prefixes, 0, info.numLayers, info.vocabSize).flat())).toBeLessThan(TOLERANCE);
    const second = await loaded.model.forward([[ids[4]]], first.cache, { layerLogits: true });
    const third = await loaded.model.forward([[ids[5]]], second.cache, { layerLogits: true });
    expect(third.cache.length).toBe(6);
    const layers = torchLayers(whole, 0, info.numLayers, info.vocabSize);
    expect(maxAbsDiff(third.layerLogits![0].flatMap((row) => [...row]), layers.flat())).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(third.logits[0][0], whole.last_logits)).toBeLessThan(TOLERANCE);
  });
});
