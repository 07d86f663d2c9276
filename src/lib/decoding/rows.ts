/**
 * Helpers for rows of logits that several methods share: the row check every entry point runs,
 * the finite stand-in for -Infinity log-probabilities that contrast scores subtract, float32
 * output without overflow, and top-N listing inside a mask for traces.
 */
import { logSumExp, requireStorageLength } from './numerics';

/**
 * Checks a row of logits: a non-empty Float32Array of finite numbers or -Infinity, with at least
 * one finite entry. Returns the number of finite entries.
 */
export function checkRow(logits: Float32Array, what = 'logits'): number {
  if (!(logits instanceof Float32Array)) throw new TypeError(`${what} must be a Float32Array`);
  if (logits.length === 0) throw new RangeError(`${what} is empty; expected one value per vocabulary entry`);
  let finite = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (Number.isNaN(v)) throw new RangeError(`${what} contains NaN at index ${i}; logits must be numbers or -Infinity`);
    if (v === Infinity) throw new RangeError(`${what} contains +Infinity at index ${i}; logits must be finite or -Infinity`);
    if (v !== -Infinity) finite++;
  }
  if (finite === 0) throw new RangeError(`every entry of ${what} is -Infinity: no token is left to choose from`);
  return finite;
}

/**
 * log(2^-126), about -87.34: the log of the smallest normal float32 probability.
 *
 * Contrast scores subtract a second distribution's log-probability, so a token that the second
 * model rules out (-Infinity) would score +Infinity, which no chart can draw and which ties
 * every such token. Instead a ruled-out token is treated as if it had the smallest probability
 * a float32 softmax can hold: it still gets the largest bonus, but a finite, drawable one.
 */
export const LOG_PROB_FLOOR = Math.log(2 ** -126);

/**
 * A float64 score as float32, refusing overflow. Extreme parameters (tau near 0, a huge beta)
 * can push a score past float32's range; an Infinity there would tie tokens arbitrarily and could
 * not be drawn, so the caller hears which value was too extreme instead.
 */
export function toFloat32Score(value: number, what: string): number {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw new RangeError(`${what} overflows float32 (${value}); use a less extreme value`);
  // A float32 underflow can leave -0, which JSON writes as 0: a trace would not round-trip.
  return f === 0 ? 0 : f;
}

export interface FlooredLogProbs {
  /** Float64 log-probabilities, with -Infinity replaced by `floor`. */
  logProbs: Float64Array;
  /** The stand-in used for -Infinity: min(LOG_PROB_FLOOR, the row's smallest finite log-prob). */
  floor: number;
  /** log of the softmax normaliser, so a floored log-prob maps back to a logit as floor + logNormalizer. */
  logNormalizer: number;
  /** How many entries were -Infinity and got the stand-in. */
  flooredCount: number;
}

/**
 * Log-probabilities of a row where tokens the row rules out get a finite stand-in.
 *
 * The stand-in is LOG_PROB_FLOOR, or the row's smallest finite log-probability if that is lower,
 * so the substitution never ranks a ruled-out token as more likely than one the row kept, and
 * every finite entry keeps its exact value. Every entry of `into` is written, so a caller may pass
 * storage it reuses.
 */
export function flooredLogProbs(
  logits: Float32Array,
  logNormalizer = logSumExp(logits),
  into: Float64Array = new Float64Array(logits.length),
): FlooredLogProbs {
  requireStorageLength(into, logits.length);
  const logProbs = into;
  let smallestFinite = Infinity;
  let flooredCount = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) {
      flooredCount++;
      continue;
    }
    const lp = logits[i] - logNormalizer;
    logProbs[i] = lp;
    if (lp < smallestFinite) smallestFinite = lp;
  }
  const floor = Math.min(LOG_PROB_FLOOR, smallestFinite);
  if (flooredCount > 0) for (let i = 0; i < logits.length; i++) if (logits[i] === -Infinity) logProbs[i] = floor;
  return { logProbs, floor, logNormalizer, flooredCount };
}

/**
 * Ids inside `mask` ordered by `key`, largest first, ties to the lower id, at most `limit` of them
 * (a head token whose key is -Infinity, possible only when alpha = 0 puts every token in the head,
 * sorts last).
 */
export function topIdsWithinMask(mask: Uint8Array, key: Float32Array, limit: number): number[] {
  // The head is usually a handful of tokens: sort those, not the vocabulary.
  const ids: number[] = [];
  for (let i = 0; i < key.length; i++) {
    if (!mask[i]) continue;
    if (Number.isNaN(key[i])) throw new RangeError(`key at index ${i} is NaN`);
    ids.push(i);
  }
  ids.sort((a, b) => (key[a] === key[b] ? a - b : key[b] > key[a] ? 1 : -1));
  return ids.length > limit ? ids.slice(0, limit) : ids;
}
