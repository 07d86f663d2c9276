import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chiSquareGoodnessOfFit,
  chiSquarePValue,
  chiSquareStatistic,
  logGamma,
  regularizedUpperGamma,
} from '../../../../src/lib/stats';

/** Q(k, y) for integer k has the closed form e^{-y} sum_{j<k} y^j / j!. */
function upperGammaIntegerShape(k: number, y: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 1; j < k; j++) {
    term *= y / j;
    sum += term;
  }
  return Math.exp(-y) * sum;
}

describe('logGamma', () => {
  it('matches factorials and Gamma(1/2) = sqrt(pi)', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      expect(logGamma(n)).toBeCloseTo(Math.log(factorial), 12);
      factorial *= n;
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    // Reflection branch: Gamma(0.25) = 3.625609908221908...
    expect(logGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 12);
  });

  it('rejects x <= 0', () => {
    expect(() => logGamma(0)).toThrow(/x > 0, got 0/);
  });
});

describe('chiSquarePValue', () => {
  it('matches textbook critical values', () => {
    // Table rows (value, dof, upper tail).
    expect(chiSquarePValue(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(18.307, 10)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(6.635, 1)).toBeCloseTo(0.01, 4);
    expect(chiSquarePValue(10.828, 1)).toBeCloseTo(0.001, 5);
    expect(chiSquarePValue(5.991, 2)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(124.342, 100)).toBeCloseTo(0.05, 4);
  });

  it('matches high-precision reference values (scipy.stats.chi2.sf)', () => {
    const cases: Array<[number, number, number]> = [
      [3.8414588206941285, 1, 0.05],
      [18.30703805327515, 10, 0.05],
      [18.466826952903173, 4, 0.001],
      [1, 1, 0.31731050786291115],
      [0.5, 3, 0.9188914116546758],
      [30, 3, 1.3800570312932553e-6],
      [1e-3, 1, 0.9747728793699604],
      [0.02, 0.5, 0.6518135472395157],
      [200, 50, 7.857610724654791e-20],
    ];
    for (const [x, dof, p] of cases) {
      expect(Math.abs(chiSquarePValue(x, dof) - p) / p).toBeLessThan(1e-9);
    }
  });

  it('equals the closed form for even dof (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 300, noNaN: true }), (k, x) => {
        const expected = upperGammaIntegerShape(k, x / 2);
        const actual = chiSquarePValue(x, 2 * k);
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 + 1e-10 * expected);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('decreases from 1 at 0 towards 0', () => {
    expect(chiSquarePValue(0, 3)).toBe(1);
    expect(chiSquarePValue(Infinity, 3)).toBe(0);
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        (dof, x, dx) => {
          const a = chiSquarePValue(x, dof);
          const b = chiSquarePValue(x + dx, dof);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          expect(b).toBeLessThanOrEqual(a + 1e-15);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(() => chiSquarePValue(1, 0)).toThrow(/dof .*got 0/);
    expect(() => chiSquarePValue(-1, 2)).toThrow(/stat .*got -1/);
    expect(() => regularizedUpperGamma(-1, 1)).toThrow(/a must be .*got -1/);
  });
});

describe('chiSquareStatistic', () => {
  it('computes sum (O - E)^2 / E by hand', () => {
    expect(chiSquareStatistic([10, 20, 30], [20, 20, 20])).toBeCloseTo(10, 12);
    expect(chiSquareStatistic([5, 5], [5, 5])).toBe(0);
  });

  it('treats empty expected cells: ignored when unobserved, Infinity when observed', () => {
    expect(chiSquareStatistic([10, 0], [10, 0])).toBe(0);
    expect(chiSquareStatistic([9, 1], [10, 0])).toBe(Infinity);
  });

  it('rejects mismatched or invalid cells', () => {
    expect(() => chiSquareStatistic([1, 2], [1])).toThrow(/2 cells .* 1/);
    expect(() => chiSquareStatistic([-1], [1])).toThrow(/observed\[0\] = -1/);
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('scales probabilities to the sample size and counts dof over the support', () => {
    const fit = chiSquareGoodnessOfFit([10, 20, 30, 0], [1 / 3, 1 / 3, 1 / 3, 0]);
    expect(fit.dof).toBe(2);
    expect(fit.statistic).toBeCloseTo(10, 10);
    expect(fit.pValue).toBeCloseTo(Math.exp(-5), 12);
  });
});
