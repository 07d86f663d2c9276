/**
 * Pearson's chi-square test of sampled counts against a distribution: the statistic, its p-value,
 * a plain goodness of fit over the support, and the evaluation's test with low-expected bins pooled.
 */
import { regularizedUpperGamma } from './gamma';

/**
 * Pearson's statistic sum (O - E)^2 / E. A cell with E = 0 contributes nothing when O = 0 and
 * makes the statistic Infinity otherwise (an impossible outcome was observed).
 */
export function chiSquareStatistic(observed: number[], expected: number[]): number {
  if (observed.length !== expected.length) {
    throw new RangeError(`observed has ${observed.length} cells but expected has ${expected.length}`);
  }
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i];
    const e = expected[i];
    if (!(o >= 0) || !Number.isFinite(o)) throw new RangeError(`observed[${i}] = ${o} is not a count >= 0`);
    if (!(e >= 0) || !Number.isFinite(e)) throw new RangeError(`expected[${i}] = ${e} is not a number >= 0`);
    if (e === 0) {
      if (o > 0) return Infinity;
      continue;
    }
    stat += ((o - e) * (o - e)) / e;
  }
  return stat;
}

/** P(X >= stat) for X ~ chi-square with `dof` degrees of freedom: Q(dof / 2, stat / 2). */
export function chiSquarePValue(stat: number, dof: number): number {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new RangeError(`dof must be a finite number > 0, got ${dof}`);
  if (!(stat >= 0)) throw new RangeError(`stat must be a number >= 0, got ${stat}`);
  return regularizedUpperGamma(dof / 2, stat / 2);
}

export interface GoodnessOfFit {
  statistic: number;
  /** Cells with positive expected probability, minus one. */
  dof: number;
  pValue: number;
}

/**
 * Goodness of fit of `counts` to the distribution `probs` (need not be exactly normalised; it
 * is rescaled to the total count). Cells with probability 0 add no degree of freedom.
 */
export function chiSquareGoodnessOfFit(counts: number[], probs: ArrayLike<number>): GoodnessOfFit {
  if (counts.length !== probs.length) {
    throw new RangeError(`counts has ${counts.length} cells but probs has ${probs.length}`);
  }
  const n = counts.reduce((s, c) => s + c, 0);
  let mass = 0;
  let support = 0;
  for (let i = 0; i < probs.length; i++) {
    mass += probs[i];
    if (probs[i] > 0) support++;
  }
  if (!(mass > 0)) throw new RangeError('probs has no positive mass');
  if (support < 2) throw new RangeError('probs must give positive mass to at least 2 cells');
  const expected = Array.from(probs, (pr) => (pr / mass) * n);
  const statistic = chiSquareStatistic(counts, expected);
  const dof = support - 1;
  return { statistic, dof, pValue: chiSquarePValue(statistic, dof) };
}

export interface ChiSquareResult {
  statistic: number;
  /** Bins after merging, minus one. */
  dof: number;
  pValue: number;
  /** Bins tested: the tokens with expected count >= minExpected, plus one merged bin if any. */
  bins: number;
  /** Expected count of the merged bin (0 when nothing was merged). */
  mergedExpected: number;
}

/**
 * Pearson's chi-square goodness of fit of `counts` against probabilities `expected`. Categories
 * whose expected count is below `minExpected` (default 5, the usual rule) are pooled into one bin;
 * if that pooled bin itself stays below `minExpected` it is folded into the smallest kept bin.
 */
export function chiSquareTest(counts: ArrayLike<number>, expected: ArrayLike<number>, minExpected = 5): ChiSquareResult {
  if (counts.length !== expected.length) throw new RangeError(`counts and expected differ in length: ${counts.length}, ${expected.length}`);
  let total = 0;
  let mass = 0;
  for (let i = 0; i < counts.length; i++) {
    total += counts[i];
    mass += expected[i];
  }
  if (total <= 0) throw new RangeError('no observations');
  const observedBins: number[] = [];
  const expectedBins: number[] = [];
  let pooledObserved = 0;
  let pooledExpected = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = (total * expected[i]) / mass;
    if (e >= minExpected) {
      observedBins.push(counts[i]);
      expectedBins.push(e);
    } else {
      pooledObserved += counts[i];
      pooledExpected += e;
    }
  }
  if (pooledExpected > 0 || pooledObserved > 0) {
    if (pooledExpected >= minExpected || expectedBins.length === 0) {
      observedBins.push(pooledObserved);
      expectedBins.push(pooledExpected);
    } else {
      let smallest = 0;
      for (let i = 1; i < expectedBins.length; i++) if (expectedBins[i] < expectedBins[smallest]) smallest = i;
      observedBins[smallest] += pooledObserved;
      expectedBins[smallest] += pooledExpected;
    }
  }
  const dof = expectedBins.length - 1;
  const statistic = chiSquareStatistic(observedBins, expectedBins);
  return {
    statistic,
    dof,
    pValue: dof >= 1 ? chiSquarePValue(statistic, dof) : 1,
    bins: expectedBins.length,
    mergedExpected: pooledExpected,
  };
}
