import { describe, expect, it } from 'vitest';
import { argmax } from '../../src/lib/decoding';
import { CachedSequence } from '../../src/lib/sessions/cached-sequence';
import { loadModel, maxAbsDiff, PROMPT_TEXT } from './support/bundled-models';

/**
 * The adapter's KV cache against full recomputation with the real expert export: the logits of
 * 100 cached greedy steps (or as many as the context allows) equal one uncached forward over the
 * whole text, position by position; crop and batching are exact.
 */
describe('KV cache of the transformers.js adapter (expert)', async () => {
  const { model, encode } = await loadModel('expert');
  const prompt = encode(PROMPT_TEXT);

  it('returns layer_logits only when asked, with the same logits and cache either way', async () => {
    const plain = await model.forward([prompt], null);
    const withLayers = await model.forward([prompt], null, { layerLogits: true });
    expect(plain.layerLogits).toBeNull();
    expect(withLayers.layerLogits?.[0].length).toBe(model.info.numLayers + 1);
    plain.logits[0].forEach((row, t) => expect(maxAbsDiff(row, withLayers.logits[0][t])).toBe(0));
    const next = [argmax(plain.logits[0][prompt.length - 1])];
    const a = await model.forward([next], plain.cache);
    const b = await model.forward([next], withLayers.cache);
    expect(maxAbsDiff(a.logits[0][0], b.logits[0][0])).toBe(0);
  });

  it('cached logits equal a full recompute over 100 steps (max abs diff <= 1e-4)', async () => {
    const steps = Math.min(100, model.info.contextLength - prompt.length);
    const sequence = new CachedSequence(model);
    const tokens = [...prompt];
    const cachedRows: Float32Array[] = [];
    let forwardMs = 0;
    for (let s = 0; s < steps; s++) {
      const { logits, ms } = await sequence.extend(tokens);
      if (s > 0) forwardMs += ms;
      const row = logits[logits.length - 1];
      cachedRows.push(row);
      tokens.push(argmax(row));
    }
    // tokens now holds one more token than was fed; the full pass reads exactly what was fed.
    const full = await model.forward([tokens.slice(0, -1)], null);
    let worst = 0;
    cachedRows.forEach((row, s) => {
      worst = Math.max(worst, maxAbsDiff(row, full.logits[0][prompt.length - 1 + s]));
    });
    console.info(
      `KV cache vs full recompute, ${steps} steps: max abs diff ${worst.toExponential(2)}; ` +
        `${(forwardMs / (steps - 1)).toFixed(2)} ms per cached one-token forward`,
    );
    expect(steps).toBeGreaterThanOrEqual(Math.min(100, model.info.contextLength - prompt.length));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('a cropped cache continues exactly like the cache it was cut from', async () => {
    const first = await model.forward([prompt], null);
    const short = await model.forward([prompt.slice(0, 3)], null);
    const cropped = model.cropCache(first.cache, 3);
    expect(cropped.length).toBe(3);
    const next = prompt.slice(3, 5);
    const fromShort = await model.forward([next], short.cache);
    const fromCropped = await model.forward([next], cropped);
    expect(maxAbsDiff(fromCropped.logits[0][1], fromShort.logits[0][1])).toBe(0);
    // The source cache is a value: cropping did not shorten it.
    expect(first.cache.length).toBe(prompt.length);
  });

  it('rows of a batch match single-row calls, and selected rows carry their own cache', async () => {
    const a = prompt.slice(0, 6);
    const b = [...prompt.slice(1, 6), prompt[0]];
    const batch = await model.forward([a, b], null);
    const alone = await model.forward([b], null);
    expect(maxAbsDiff(batch.logits[1][5], alone.logits[0][5])).toBeLessThanOrEqual(1e-5);
    const swapped = model.selectCacheRows(batch.cache, [1, 1, 0]);
    expect(swapped.batch).toBe(3);
    const next = await model.forward([[7], [7], [7]], swapped);
    const expectedB = await model.forward([[7]], alone.cache);
    expect(maxAbsDiff(next.logits[0][0], expectedB.logits[0][0])).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(next.logits[1][0], next.logits[0][0])).toBe(0);
  });

  it('refuses to read past the context length instead of running the model there', async () => {
    const tooLong = Array.from({ length: model.info.contextLength + 1 }, (_, i) => i % model.info.vocabSize);
    await expect(model.forward([tooLong], null)).rejects.toThrow(/context is full/);
  });
});
