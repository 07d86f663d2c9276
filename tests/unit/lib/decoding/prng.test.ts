import { describe, expect, it } from 'vitest';
import { createRandom, sampleIndex, SeededRandom } from '../../../../src/lib/decoding/prng';
import { chiSquarePValue, chiSquareStatistic } from '../../../../src/lib/stats';

describe('SeededRandom', () => {
  it('is reproducible from a seed and differs between seeds', () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const c = createRandom(124);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('restores its state exactly, which is what lets a step be undone and redone', () => {
    const rng = new SeededRandom(9);
    rng.next();
    const saved = rng.getState();
    const first = [rng.next(), rng.next(), rng.next()];
    rng.setState(saved);
    expect([rng.next(), rng.next(), rng.next()]).toEqual(first);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
    expect(new SeededRandom(saved).next()).toBe(first[0]);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new SeededRandom(Number.NaN)).toThrow(/seed must be a finite number, got NaN/);
  });

  it('is uniform enough: 10 equal bins pass a chi-square test', () => {
    const random = createRandom(2024);
    const bins = new Array(10).fill(0);
    const n = 50_000;
    for (let i = 0; i < n; i++) bins[Math.floor(random() * 10)]++;
    const stat = chiSquareStatistic(bins, new Array(10).fill(n / 10));
    expect(chiSquarePValue(stat, 9)).toBeGreaterThan(0.001);
  });
});

describe('sampleIndex', () => {
  it('inverts the CDF: each uniform value lands in its interval', () => {
    const w = new Float32Array([0.2, 0, 0.5, 0.3]);
    const at = (u: number) => sampleIndex(w, () => u);
    expect(at(0)).toBe(0);
    expect(at(0.1999)).toBe(0);
    expect(at(0.2)).toBe(2);
    expect(at(0.6999)).toBe(2);
    expect(at(0.7)).toBe(3);
    expect(at(0.9999999)).toBe(3);
  });

  it('accepts unnormalised weights and never picks a zero weight', () => {
    const w = new Float32Array([0, 3, 0, 1, 0]);
    const random = createRandom(5);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleIndex(w, random)]++;
    expect(counts[0] + counts[2] + counts[4]).toBe(0);
    expect(chiSquarePValue(chiSquareStatistic([counts[1], counts[3]], [3000, 1000]), 1)).toBeGreaterThan(0.001);
  });

  it('rejects bad weights and a bad random source', () => {
    expect(() => sampleIndex(new Float32Array([0, 0]), () => 0.5)).toThrow(/all weights are 0/);
    expect(() => sampleIndex(new Float32Array([1, -1]), () => 0.5)).toThrow(/weight -1 at index 1/);
    expect(() => sampleIndex(new Float32Array([1]), () => 1)).toThrow(/random\(\) must return a number in \[0, 1\), got 1/);
  });
});
