import { describe, expect, it } from 'vitest';
import * as api from '../../../../src/lib/decoding';

/**
 * Steps keep their vocabulary-sized intermediates in storage reused from call to call
 * (numerics.ts, TypedScratch). What a call hands back must never be that storage: every result of
 * one round of calls must stay as it was while a second round runs on other rows.
 */

const VOCAB = 64;

/** A row of logits from a seed: distinct values, a few ruled out. */
function rowFrom(seed: number): Float32Array {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Float32Array.from({ length: VOCAB }, (_, i) => (i % 17 === 5 ? -Infinity : 6 * next() - 3));
}

function layersFrom(seed: number): Float32Array[] {
  return Array.from({ length: 5 }, (_, j) => rowFrom(seed * 10 + j));
}

const context = [1, 2, 3, 2];

/** Every call that reuses storage, on the rows a seed gives. */
function round(seed: number): Record<string, unknown> {
  const expert = rowFrom(seed);
  const amateur = rowFrom(seed + 1000);
  const layers = layersFrom(seed);
  return {
    greedyStep: api.greedyStep(expert, context),
    greedyPenalised: api.greedyStep(expert, context, { repetitionPenalty: 1.3 }),
    sampleStep: api.sampleStep(expert, context, { temperature: 0.8, topP: 0.9 }, () => 0.37),
    contrastiveStep: api.contrastiveStep(expert, amateur, { variant: 'li2022' }),
    contrastiveObrien: api.contrastiveStep(expert, amateur, { variant: 'obrien2023', alpha: 0 }),
    contrastiveScores: api.contrastiveScores(expert, amateur, { variant: 'li2022' }),
    plausibleHead: api.plausibleHead(expert, 0.1),
    dolaStep: api.dolaStep(layers, { candidateLayers: [0, 1, 2], contextIds: context }),
    dolaPenalised: api.dolaStep(layers, { candidateLayers: [0, 1, 2], contextIds: context, repetitionPenalty: 1.2 }),
    dolaScores: api.dolaScores(layers, { candidateLayers: [1, 2] }),
  };
}

describe('reused working storage', () => {
  it('never reaches a result: a later round of calls leaves every earlier result as it was', () => {
    const first = round(1);
    const snapshot = structuredClone(first);
    const second = round(2);
    expect(first).toEqual(snapshot);
    // The rounds differ, so a result that aliased reused storage would have changed above.
    expect(second).not.toEqual(snapshot);
  });

  it('gives the same results whether or not another round ran in between', () => {
    const alone = structuredClone(round(3));
    round(4);
    expect(round(3)).toEqual(alone);
  });

  it('plausibleHead writes every entry of storage it is given, whatever was there', () => {
    const logits = rowFrom(5);
    const fresh = api.plausibleHead(logits, 0.2);
    const dirty = new Uint8Array(VOCAB).fill(1);
    const reused = api.plausibleHead(logits, 0.2, undefined, dirty);
    expect(reused.mask).toBe(dirty);
    expect(Array.from(reused.mask)).toEqual(Array.from(fresh.mask));
    expect(reused.size).toBe(fresh.size);
    expect(() => api.plausibleHead(logits, 0.2, undefined, new Uint8Array(VOCAB - 1))).toThrow(RangeError);
  });
});
