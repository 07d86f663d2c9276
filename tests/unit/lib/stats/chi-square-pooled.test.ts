import { describe, expect, it } from 'vitest';
import { chiSquarePValue, chiSquareTest, logGamma } from '../../../../src/lib/stats';

/** Chi-square p-values against closed forms and textbook critical values, and the evaluation's test with pooled bins. */
describe('chi-square p-value', () => {
  it('log Gamma at known points', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('matches closed forms: dof 2 is exp(-x/2), dof 1 is erfc(sqrt(x/2))', () => {
    for (const x of [0.1, 1, 3.5, 10, 40]) expect(chiSquarePValue(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
    // P(chi²_1 >= 3.841459) = 0.05, P(chi²_1 >= 6.634897) = 0.01.
    expect(chiSquarePValue(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquarePValue(6.634897, 1)).toBeCloseTo(0.01, 6);
  });

  it('textbook critical values', () => {
    expect(chiSquarePValue(18.307, 10)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(124.342, 100)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(9.342, 10)).toBeCloseTo(0.5, 3);
    expect(chiSquarePValue(0, 3)).toBe(1);
    expect(chiSquarePValue(5000, 10)).toBe(0);
  });
});

describe('chi-square goodness of fit with pooled bins', () => {
  it('computes Pearson statistic on a hand-made table', () => {
    // 100 draws, expected 50/30/20, observed 45/35/20: 25/50 + 25/30 + 0 = 1.3333, dof 2.
    const r = chiSquareTest([45, 35, 20], [0.5, 0.3, 0.2]);
    expect(r.statistic).toBeCloseTo(0.5 + 25 / 30, 10);
    expect(r.dof).toBe(2);
    expect(r.pValue).toBeCloseTo(Math.exp(-r.statistic / 2), 10);
    expect(r.mergedExpected).toBe(0);
  });

  it('pools categories with expected count below 5', () => {
    // 100 draws over 0.6/0.3/0.04/0.03/0.03: the last three (4, 3, 3 expected) form one bin of 10.
    const r = chiSquareTest([60, 30, 5, 3, 2], [0.6, 0.3, 0.04, 0.03, 0.03]);
    expect(r.bins).toBe(3);
    expect(r.dof).toBe(2);
    expect(r.mergedExpected).toBeCloseTo(10, 10);
    expect(r.statistic).toBeCloseTo(0, 10);
    // A pooled bin still below 5 (2 + 2 expected) joins the smallest kept bin, here the only one.
    const small = chiSquareTest([90, 6, 4], [0.96, 0.02, 0.02]);
    expect(small.bins).toBe(1);
    expect(small.dof).toBe(0);
    expect(small.pValue).toBe(1);
    // Expected 95 / 3 / 2: the pooled bin reaches 5 and stays a bin of its own.
    const kept = chiSquareTest([95, 3, 2], [0.95, 0.03, 0.02]);
    expect(kept.bins).toBe(2);
    expect(kept.statistic).toBeCloseTo(0, 10);
  });

  it('rejects a clearly wrong sampler', () => {
    expect(chiSquareTest([900, 100], [0.5, 0.5]).pValue).toBeLessThan(1e-50);
  });
});
