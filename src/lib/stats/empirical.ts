/** Observed frequencies as a distribution, and their distance from the one they were drawn from. */
import { totalVariation } from '../decoding';

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
