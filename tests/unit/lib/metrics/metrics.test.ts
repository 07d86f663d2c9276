/**
 * rep-n, distinct-n and the CD paper's diversity on sequences small enough to count by hand.
 * Every expected number below was worked out on paper from the definitions in
 * src/lib/metrics/ngrams.ts, with the n-grams written out in the comments.
 */
import { describe, expect, it } from 'vitest';
import { distinctN, diversity, ngramCounts, repetitionRate, repetitionReport } from '../../../../src/lib/metrics';

describe('n-gram metrics, by hand', () => {
  // 1 2 1 2 1 2
  // bigrams  12 21 12 21 12     -> 5 total, 2 unique: rep-2 = 100 (1 - 2/5) = 60
  // trigrams 121 212 121 212    -> 4 total, 2 unique: rep-3 = 100 (1 - 2/4) = 50
  // 4-grams  1212 2121 1212     -> 3 total, 2 unique: rep-4 = 100 (1 - 2/3) = 33.33...
  // diversity = (2/5)(2/4)(2/3) = 8/60 = 0.1333...
  const alternating = [1, 2, 1, 2, 1, 2];

  it('counts total and unique n-grams', () => {
    expect(ngramCounts(alternating, 2)).toEqual({ total: 5, unique: 2 });
    expect(ngramCounts(alternating, 3)).toEqual({ total: 4, unique: 2 });
    expect(ngramCounts(alternating, 4)).toEqual({ total: 3, unique: 2 });
    expect(ngramCounts(alternating, 6)).toEqual({ total: 1, unique: 1 });
    expect(ngramCounts(alternating, 7)).toEqual({ total: 0, unique: 0 });
  });

  it('rep-n of an alternating text', () => {
    expect(repetitionRate(alternating, 2)).toBeCloseTo(60, 10);
    expect(repetitionRate(alternating, 3)).toBeCloseTo(50, 10);
    expect(repetitionRate(alternating, 4)).toBeCloseTo(100 / 3, 10);
    expect(diversity(alternating)).toBeCloseTo(8 / 60, 10);
  });

  it('distinct-n is the unique fraction', () => {
    expect(distinctN(alternating, 1)).toBeCloseTo(2 / 6, 10);
    expect(distinctN(alternating, 2)).toBeCloseTo(2 / 5, 10);
  });

  it('a text with no repeated n-gram has rep-n = 0 and diversity 1', () => {
    const fresh = [5, 6, 7, 8, 9];
    for (const n of [1, 2, 3, 4]) expect(repetitionRate(fresh, n)).toBe(0);
    expect(diversity(fresh)).toBe(1);
  });

  it('one token repeated: 3 3 3 3', () => {
    // bigrams 33 33 33 -> 3 total, 1 unique: rep-2 = 66.66...; trigrams 333 333 -> rep-3 = 50;
    // one 4-gram -> rep-4 = 0; diversity = (1/3)(1/2)(1) = 1/6; distinct-1 = 1/4.
    const same = [3, 3, 3, 3];
    expect(repetitionRate(same, 2)).toBeCloseTo(200 / 3, 10);
    expect(repetitionRate(same, 3)).toBeCloseTo(50, 10);
    expect(repetitionRate(same, 4)).toBe(0);
    expect(diversity(same)).toBeCloseTo(1 / 6, 10);
    expect(distinctN(same, 1)).toBeCloseTo(1 / 4, 10);
  });

  it('n-grams are compared as whole id sequences (12,3 is not 1,23)', () => {
    // bigrams (12,3) (3,1) (1,23): all different, though the digits run together.
    expect(repetitionRate([12, 3, 1, 23], 2)).toBe(0);
  });

  it('a text shorter than n repeats nothing', () => {
    expect(repetitionRate([], 2)).toBe(0);
    expect(repetitionRate([7], 2)).toBe(0);
    expect(repetitionRate([1, 2, 3], 4)).toBe(0);
    expect(distinctN([], 3)).toBe(1);
    expect(diversity([])).toBe(1);
  });

  it('the report gathers the same numbers', () => {
    const report = repetitionReport(alternating);
    expect(report.tokens).toBe(6);
    expect(report.rep2).toBeCloseTo(60, 10);
    expect(report.rep3).toBeCloseTo(50, 10);
    expect(report.rep4).toBeCloseTo(100 / 3, 10);
    expect(report.diversity).toBeCloseTo(8 / 60, 10);
  });

  it('n must be a whole number >= 1', () => {
    expect(() => repetitionRate(alternating, 0)).toThrow(RangeError);
    expect(() => distinctN(alternating, 1.5)).toThrow(/n must be/);
  });

  it('does not modify its input', () => {
    const tokens = [4, 4, 5];
    const copy = [...tokens];
    repetitionReport(tokens);
    expect(tokens).toEqual(copy);
  });
});
