import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  argmax,
  argsortDescending,
  entropy,
  Float64Scratch,
  jsd,
  kl,
  logSoftmax,
  logSumExp,
  normalize,
  softmax,
  topKIndices,
  totalVariation,
} from '../../../../src/lib/decoding/numerics';

const f32 = (values: number[]) => new Float32Array(values);
const logitRow = (min = 1, max = 40) =>
  fc.array(fc.float({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), { minLength: min, maxLength: max }).map(f32);

describe('softmax', () => {
  it('matches hand-computed values', () => {
    const p = softmax(f32([0, Math.log(3)]));
    expect(p[0]).toBeCloseTo(0.25, 7);
    expect(p[1]).toBeCloseTo(0.75, 7);
  });

  it('is stable for huge logits and gives masked entries exactly 0', () => {
    const p = softmax(f32([1000, 1000, -Infinity]));
    expect(Array.from(p)).toEqual([0.5, 0.5, 0]);
  });

  it('splits the mass among +Infinity entries', () => {
    expect(Array.from(softmax(f32([Infinity, 3, Infinity])))).toEqual([0.5, 0, 0.5]);
  });

  it('rejects NaN, an empty row and an all-masked row with a clear message', () => {
    expect(() => softmax(f32([0, Number.NaN]))).toThrow(/NaN at index 1/);
    expect(() => softmax(f32([]))).toThrow(/empty/);
    expect(() => softmax(f32([-Infinity, -Infinity]))).toThrow(/every logit is -Infinity/);
  });

  it('sums to 1, is invariant to a shift and preserves order', () => {
    fc.assert(
      fc.property(logitRow(), fc.float({ min: -20, max: 20, noNaN: true }), (logits, shift) => {
        const p = softmax(logits);
        const sum = p.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
        const shifted = softmax(logits.map((s) => s + shift));
        for (let i = 0; i < p.length; i++) expect(shifted[i]).toBeCloseTo(p[i], 4);
        for (let i = 0; i < p.length; i++) for (let j = 0; j < p.length; j++) if (logits[i] > logits[j]) expect(p[i]).toBeGreaterThanOrEqual(p[j]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('logSoftmax and logSumExp', () => {
  it('matches log(softmax) and keeps masked entries at -Infinity', () => {
    const logits = f32([2, -1, -Infinity, 0.5]);
    const lp = logSoftmax(logits);
    const p = softmax(logits);
    expect(lp[2]).toBe(-Infinity);
    for (const i of [0, 1, 3]) expect(lp[i]).toBeCloseTo(Math.log(p[i]), 5);
    expect(logSumExp(f32([0, 0]))).toBeCloseTo(Math.log(2), 7);
    expect(logSumExp(f32([-Infinity]))).toBe(-Infinity);
  });

  it('never returns NaN and exponentiates to a distribution', () => {
    fc.assert(
      fc.property(logitRow(), (logits) => {
        const lp = logSoftmax(logits);
        expect(lp.some(Number.isNaN)).toBe(false);
        expect(lp.reduce((a, v) => a + Math.exp(v), 0)).toBeCloseTo(1, 5);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('entropy, KL, JSD and total variation', () => {
  it('match hand-computed values', () => {
    expect(entropy(f32([0.5, 0.5]))).toBeCloseTo(Math.log(2), 7);
    expect(entropy(f32([1, 0]))).toBe(0);
    // KL([1/2,1/2] || [1/4,3/4]) = 1/2 ln 2 + 1/2 ln(2/3)
    expect(kl(f32([0.5, 0.5]), f32([0.25, 0.75]))).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 6);
    expect(kl(f32([0.5, 0.5]), f32([1, 0]))).toBe(Infinity);
    // Disjoint supports: JSD reaches its maximum ln 2.
    expect(jsd(f32([1, 0]), f32([0, 1]))).toBeCloseTo(Math.log(2), 7);
    expect(totalVariation(f32([0.5, 0.5, 0]), f32([0, 0.5, 0.5]))).toBeCloseTo(0.5, 7);
  });

  it('JSD is symmetric, bounded by ln 2 and zero on equal inputs; KL is non-negative', () => {
    const dist = logitRow(2, 12).map(softmax);
    fc.assert(
      fc.property(dist, dist, (p, q) => {
        const n = Math.min(p.length, q.length);
        const a = normalize(p.slice(0, n));
        const b = normalize(q.slice(0, n).map((v) => v + 1e-6));
        expect(jsd(a, b)).toBeCloseTo(jsd(b, a), 6);
        expect(jsd(a, b)).toBeLessThanOrEqual(Math.log(2) + 1e-6);
        expect(jsd(a, a)).toBeCloseTo(0, 6);
        expect(kl(a, b)).toBeGreaterThanOrEqual(0);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('rejects distributions of different lengths', () => {
    expect(() => kl(f32([1]), f32([0.5, 0.5]))).toThrow(/differ in length: 1 vs 2/);
    expect(() => normalize(f32([0, 0]))).toThrow(/all weights are 0/);
    expect(() => normalize(f32([1, -1]))).toThrow(/weight -1 at index 1/);
  });
});

describe('argmax, argsort and topKIndices', () => {
  it('break ties by the lowest index', () => {
    expect(argmax(f32([1, 3, 3, 2]))).toBe(1);
    expect(argsortDescending(f32([1, 3, 3, 2]))).toEqual([1, 2, 3, 0]);
    expect(topKIndices(f32([1, 3, 3, 2]), 2)).toEqual([1, 2]);
    expect(argmax(f32([-Infinity, -Infinity, -5]))).toBe(2);
  });

  it('argsort orders exactly as comparing values, signed zeros, infinities and subnormals included', () => {
    const special = fc.constantFrom(0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 0.1, -0.1);
    const entry = fc.oneof(special, fc.integer({ min: -6, max: 6 }), fc.float({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 300 }), (xs) => {
        const values = f32(xs);
        const byComparison = values.reduce<number[]>((idx, _, i) => [...idx, i], []).sort((a, b) => (values[a] > values[b] ? -1 : values[a] < values[b] ? 1 : a - b));
        expect(argsortDescending(values)).toEqual(byComparison);
      }),
      { seed: 12, numRuns: 400 },
    );
  });

  it('rejects a bad k', () => {
    expect(() => topKIndices(f32([1]), -1)).toThrow(/k must be an integer >= 0, got -1/);
    expect(() => topKIndices(f32([1]), 1.5)).toThrow(/got 1.5/);
  });

  it('the heap path agrees with a full sort on long rows with many ties', () => {
    const longRow = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 50, maxLength: 400 }).map((xs) => f32(xs));
    fc.assert(
      fc.property(longRow, fc.integer({ min: 0, max: 12 }), (values, k) => {
        expect(topKIndices(values, k)).toEqual(argsortDescending(values).slice(0, k));
        expect(argmax(values)).toBe(argsortDescending(values)[0]);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('Float64Scratch', () => {
  it('hands out exactly the length asked for, reusing a slot\'s storage until a longer one is needed', () => {
    const scratch = new Float64Scratch();
    const first = scratch.get(8);
    expect(first).toHaveLength(8);
    first.fill(7);
    const shorter = scratch.get(3);
    expect(shorter).toHaveLength(3);
    expect(shorter.buffer).toBe(first.buffer);
    const longer = scratch.get(16);
    expect(longer).toHaveLength(16);
    expect(longer.buffer).not.toBe(first.buffer);
    expect(scratch.get(16)).toBe(longer);
  });

  it('keeps slots apart', () => {
    const scratch = new Float64Scratch();
    const a = scratch.get(4, 0);
    const b = scratch.get(4, 1);
    expect(b.buffer).not.toBe(a.buffer);
    expect(scratch.get(4, 0)).toBe(a);
  });
});
