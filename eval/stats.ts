/**
 * Statistics for the speculative-sampling exactness check: the empirical distribution of sampled
 * tokens, Pearson's chi-square goodness-of-fit test with low-expected bins merged, and its
 * p-value through the regularized upper incomplete gamma function Q(a, x). Written here so the
 * evaluation depends on no statistics package (tests/unit/stats.ts is the tests' own copy; the
 * eval must not import from tests/).
 */
import { totalVariation } from '../src/lib/decoding';

const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma needs a finite x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < c.length; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Q(a, x) = Gamma(a, x) / Gamma(a): series for x < a + 1, continued fraction (Lentz) beyond. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`a must be a finite number > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`x must be a number >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const logPrefactor = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return Math.min(1, Math.max(0, 1 - sum * Math.exp(logPrefactor)));
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.min(1, Math.max(0, Math.exp(logPrefactor) * h));
}

/** P(X >= statistic) for X ~ chi-square with `dof` degrees of freedom. */
export function chiSquarePValue(statistic: number, dof: number): number {
  if (!Number.isInteger(dof) || dof < 1) throw new RangeError(`dof must be a whole number >= 1, got ${dof}`);
  return upperRegularizedGamma(dof / 2, statistic / 2);
}

/** counts / total as a distribution over the same support. */
export function empiricalDistribution(counts: ArrayLike<number>): Float32Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total <= 0) throw new RangeError('no observations');
  const out = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}

/** Total variation distance between the observed frequencies and `expected` probabilities. */
export function empiricalTotalVariation(counts: ArrayLike<number>, expected: Float32Array): number {
  return totalVariation(empiricalDistribution(counts), expected);
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
  let statistic = 0;
  for (let i = 0; i < expectedBins.length; i++) {
    const e = expectedBins[i];
    const diff = observedBins[i] - e;
    // An observation where nothing was expected is impossible under the null.
    statistic += e > 0 ? (diff * diff) / e : observedBins[i] > 0 ? Infinity : 0;
  }
  return {
    statistic,
    dof,
    pValue: dof >= 1 ? chiSquarePValue(statistic, dof) : 1,
    bins: expectedBins.length,
    mergedExpected: pooledExpected,
  };
}
