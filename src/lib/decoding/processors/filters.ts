/**
 * Temperature and the truncation filters: top-k, top-p (nucleus), min-p, typical.
 *
 * Each exists as a plain function `(logits, param, minTokensToKeep) -> new logits` and as a class
 * that validates in its constructor. Removed tokens become -Infinity; kept tokens keep their score
 * unchanged (filters never renormalise: softmax does that).
 *
 * Deterministic ties, everywhere: tokens are ranked by their criterion and, among equal values,
 * by lower token id first. Top-k and typical keep a whole tied group at their boundary, as
 * ALGORITHMS.md and Hugging Face's warpers do; top-p keeps the lower ids of a tied group first and
 * stops as soon as the mass is reached (HF's top-p sorts and cuts by position too). Min-p compares
 * each token with a threshold, so equal tokens always share one fate.
 *
 * The probability-based filters compute on the softmax of the logits they receive, which in the
 * pipeline are already temperature-scaled. Probabilities and cumulative mass are float64.
 * `minTokensToKeep` keeps at least that many tokens in each filter's own ranking, but never brings
 * back a token an earlier stage removed.
 */
import { Float64Scratch, topKIndices } from '../numerics';
import { requireInRange } from '../validate';
import { SAMPLING_DOMAINS, requireSamplingOption } from './domains';
import {
  BaseProcessor,
  checkRow,
  finiteIndicesBy,
  keepOnly,
  logSumExp64,
  maxOf,
  softmax64,
  type Computed,
} from './common';

// The filters' float64 probabilities and distances never leave one call (a filter returns logits
// and a threshold), so their storage is reused (numerics.ts says why). One slot each.
const filterScratch = new Float64Scratch();
const TOP_P_PROBS = 0;
const TYPICAL_PROBS = 1;
const TYPICAL_DISTANCES = 2;

// ---------------------------------------------------------------------------------- temperature

/** Temperature must be finite and > 0; 0 gets its own message, since 0 means greedy. */
export function requireTemperature(t: unknown): number {
  if (t === 0) {
    throw new RangeError(
      'temperature must be a number > 0, got 0: temperature 0 means greedy decoding (argmax), ' +
        'not a division; use greedy decoding (greedyStep, or sampleStep with temperature 0) for 0',
    );
  }
  return requireInRange('temperature', t, { ...SAMPLING_DOMAINS.temperature, minInclusive: false });
}

function temperatureComputed(logits: Float32Array, t: number): Computed {
  checkRow(logits);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    const s = logits[i];
    out[i] = s / t; // -Infinity stays -Infinity
    if (s !== -Infinity && !Number.isFinite(out[i])) {
      throw new RangeError(
        `logit ${s} at index ${i} divided by temperature ${t} overflows float32; use a larger temperature, or 0 for greedy`,
      );
    }
  }
  return { logits: out, threshold: null };
}

/**
 * `s / T` for T > 0. Temperature 0 is not a division: callers treat T = 0 as greedy (argmax), and
 * this function rejects T <= 0 with a message saying so. T < 1 sharpens, T > 1 flattens; masks
 * are unchanged. Throws if a score would overflow float32 (an absurdly small T).
 */
export function temperature(logits: Float32Array, t: number): Float32Array {
  return temperatureComputed(logits, requireTemperature(t)).logits;
}

export class TemperatureProcessor extends BaseProcessor {
  readonly name = 'temperature' as const;
  readonly temperature: number;

  constructor(t: number) {
    super();
    this.temperature = requireTemperature(t);
  }

  protected override compute(_contextIds: readonly number[], logits: Float32Array): Computed {
    return temperatureComputed(logits, this.temperature);
  }
}

// ---------------------------------------------------------------------------------------- top-k

function topKComputed(logits: Float32Array, k: number, minTokensToKeep: number): Computed {
  const finite = checkRow(logits);
  if (k === 0) return { logits: logits.slice(), threshold: null };
  const effective = Math.max(k, minTokensToKeep);
  if (effective >= finite) return { logits: logits.slice(), threshold: null };
  const idx = topKIndices(logits, effective);
  const threshold = logits[idx[effective - 1]];
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] >= threshold ? logits[i] : -Infinity;
  return { logits: out, threshold };
}

/**
 * Top-k: keeps every token whose score is >= the k-th largest score, so ties at the boundary are
 * all kept (more than k tokens may survive). k = 0 disables; the effective k is
 * max(k, minTokensToKeep). Order-preserving maps (temperature) do not change what it keeps.
 * So top_k = 1 is greedy when the maximum is unique; with a tied maximum it keeps every tied
 * token, where greedy takes the lowest id.
 */
export function topK(logits: Float32Array, k: number, minTokensToKeep = 1): Float32Array {
  return topKComputed(logits, requireSamplingOption('topK', k), requireSamplingOption('minTokensToKeep', minTokensToKeep)).logits;
}

export class TopKProcessor extends BaseProcessor {
  readonly name = 'topK' as const;
  readonly k: number;
  readonly minTokensToKeep: number;

  constructor(k: number, minTokensToKeep = 1) {
    super();
    this.k = requireSamplingOption('topK', k);
    this.minTokensToKeep = requireSamplingOption('minTokensToKeep', minTokensToKeep);
  }

  protected override compute(_contextIds: readonly number[], logits: Float32Array): Computed {
    return topKComputed(logits, this.k, this.minTokensToKeep);
  }
}

// ---------------------------------------------------------------------------------------- top-p

/**
 * Keeps the first entries of `order` while the mass before them is < `mass` (so the entry that
 * reaches `mass` is kept), and at least `minTokensToKeep` of them. `reached` says whether the
 * kept entries' mass reached `mass`.
 */
function prefixReachingMass(
  order: readonly number[],
  probs: Float64Array,
  mass: number,
  minTokensToKeep: number,
): { keep: number[]; reached: boolean; count: number } {
  let count = 0;
  let cumulative = 0;
  while (count < order.length && cumulative < mass) {
    cumulative += probs[order[count]];
    count++;
  }
  const keep = order.slice(0, Math.max(count, Math.min(minTokensToKeep, order.length)));
  return { keep, reached: cumulative >= mass, count };
}

function topPComputed(logits: Float32Array, p: number, minTokensToKeep: number): Computed {
  const finite = checkRow(logits);
  // p = 1 disables exactly: summing float probabilities can fall short of 1 and would otherwise
  // drop the tail's last tokens.
  if (p === 1) return { logits: logits.slice(), threshold: null };
  const probs = softmax64(logits, filterScratch.get(logits.length, TOP_P_PROBS));
  // Ranking by score is ranking by probability, without the rounding of exp. The nucleus is
  // usually small, so fetch the top tokens in growing batches instead of sorting the vocabulary.
  let k = Math.min(finite, Math.max(256, minTokensToKeep));
  for (;;) {
    const { keep, reached } = prefixReachingMass(topKIndices(logits, k), probs, p, minTokensToKeep);
    if (reached || k === finite) return { logits: keepOnly(logits, keep), threshold: probs[keep[keep.length - 1]] };
    k = Math.min(finite, k * 8);
  }
}

/**
 * Top-p (nucleus): keeps the smallest set of highest-probability tokens whose mass is >= p; the
 * token that crosses p is kept. Probabilities are the softmax of `logits`, summed in float64.
 * p in [0, 1]: p = 1 disables (exactly, whatever the rounding); p = 0 is allowed and keeps only
 * `minTokensToKeep` tokens (the argmax by default, so top_p -> 0 is greedy). Among equal
 * probabilities lower token ids come first, so a tied group at the boundary is cut by id.
 */
export function topP(logits: Float32Array, p: number, minTokensToKeep = 1): Float32Array {
  return topPComputed(logits, requireSamplingOption('topP', p), requireSamplingOption('minTokensToKeep', minTokensToKeep)).logits;
}

export class TopPProcessor extends BaseProcessor {
  readonly name = 'topP' as const;
  readonly p: number;
  readonly minTokensToKeep: number;

  constructor(p: number, minTokensToKeep = 1) {
    super();
    this.p = requireSamplingOption('topP', p);
    this.minTokensToKeep = requireSamplingOption('minTokensToKeep', minTokensToKeep);
  }

  protected override compute(_contextIds: readonly number[], logits: Float32Array): Computed {
    return topPComputed(logits, this.p, this.minTokensToKeep);
  }
}

// ---------------------------------------------------------------------------------------- min-p

function minPComputed(logits: Float32Array, minP: number, minTokensToKeep: number): Computed {
  const finite = checkRow(logits);
  if (minP === 0) return { logits: logits.slice(), threshold: null };
  const m = maxOf(logits);
  // p(x) >= minP * max p  <=>  exp(s(x) - max s) >= minP: the softmax normaliser cancels.
  const out = new Float32Array(logits.length).fill(-Infinity);
  let kept = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] !== -Infinity && Math.exp(logits[i] - m) >= minP) {
      out[i] = logits[i];
      kept++;
    }
  }
  const need = Math.min(minTokensToKeep, finite);
  if (kept < need) for (const i of topKIndices(logits, need)) out[i] = logits[i];
  const maxProb = Math.exp(m - logSumExp64(logits));
  return { logits: out, threshold: minP * maxProb };
}

/**
 * Min-p: keeps tokens with `p(x) >= minP * max p` (p = softmax of `logits`, temperature-scaled in
 * the pipeline). minP in [0, 1]: 0 disables, 1 keeps only the tokens tied with the maximum.
 * Computed as `exp(s(x) - max s) >= minP` in float64, where the normaliser cancels. If fewer than
 * `minTokensToKeep` pass, the highest-probability ones are kept (lower id first among ties).
 */
export function minP(logits: Float32Array, minP: number, minTokensToKeep = 1): Float32Array {
  return minPComputed(logits, requireSamplingOption('minP', minP), requireSamplingOption('minTokensToKeep', minTokensToKeep)).logits;
}

export class MinPProcessor extends BaseProcessor {
  readonly name = 'minP' as const;
  readonly minP: number;
  readonly minTokensToKeep: number;

  constructor(minP: number, minTokensToKeep = 1) {
    super();
    this.minP = requireSamplingOption('minP', minP);
    this.minTokensToKeep = requireSamplingOption('minTokensToKeep', minTokensToKeep);
  }

  protected override compute(_contextIds: readonly number[], logits: Float32Array): Computed {
    return minPComputed(logits, this.minP, this.minTokensToKeep);
  }
}

// -------------------------------------------------------------------------------------- typical

function typicalComputed(logits: Float32Array, mass: number, minTokensToKeep: number): Computed {
  checkRow(logits);
  if (mass === 1) return { logits: logits.slice(), threshold: null };
  const lse = logSumExp64(logits);
  const probs = filterScratch.get(logits.length, TYPICAL_PROBS);
  let entropy = 0;
  for (let i = 0; i < logits.length; i++) {
    probs[i] = 0;
    if (logits[i] === -Infinity) continue;
    const logp = logits[i] - lse;
    probs[i] = Math.exp(logp);
    entropy -= probs[i] * logp;
  }
  // Distance of each token's surprisal -log p from the entropy; masked tokens are not ranked.
  const distance = filterScratch.get(logits.length, TYPICAL_DISTANCES);
  for (let i = 0; i < logits.length; i++) {
    distance[i] = logits[i] === -Infinity ? 0 : Math.abs(lse - logits[i] - entropy);
  }
  const order = finiteIndicesBy(logits, distance, 'asc');
  const { keep, count } = prefixReachingMass(order, probs, mass, minTokensToKeep);
  // Hugging Face removes only tokens whose shift is strictly greater than the boundary token's,
  // so every token tied with the boundary stays (on a uniform row, all of them).
  const boundary = distance[order[count - 1]];
  let end = keep.length;
  while (end < order.length && distance[order[end]] <= boundary) end++;
  return { logits: keepOnly(logits, order.slice(0, end)), threshold: entropy };
}

/**
 * Locally typical sampling (Meister et al. 2022, HF `typical_p`): with entropy H (nats) of
 * softmax(logits), ranks tokens by |-log p(x) - H| ascending (lower id first among ties) and keeps
 * the shortest prefix of that ranking whose mass reaches `mass`, plus every further token whose
 * shift equals the boundary token's (HF's `TypicalLogitsWarper` removes only shifts strictly greater
 * than the boundary's). The most probable token may be removed. mass in (0, 1]: values in (0, 1) filter as ALGORITHMS.md says; 1 disables (the same
 * convention as top-p; HF's generation config also uses 1.0 for "off"). `minTokensToKeep` keeps
 * that many tokens of the typical ranking.
 */
export function typical(logits: Float32Array, mass: number, minTokensToKeep = 1): Float32Array {
  return typicalComputed(logits, requireSamplingOption('typical', mass), requireSamplingOption('minTokensToKeep', minTokensToKeep)).logits;
}

export class TypicalProcessor extends BaseProcessor {
  readonly name = 'typical' as const;
  readonly mass: number;
  readonly minTokensToKeep: number;

  constructor(mass: number, minTokensToKeep = 1) {
    super();
    this.mass = requireSamplingOption('typical', mass);
    this.minTokensToKeep = requireSamplingOption('minTokensToKeep', minTokensToKeep);
  }

  protected override compute(_contextIds: readonly number[], logits: Float32Array): Computed {
    return typicalComputed(logits, this.mass, this.minTokensToKeep);
  }
}
