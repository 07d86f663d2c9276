/**
 * Speculative sampling: one verification round, its greedy (T = 0) variant, the residual
 * distribution and Leviathan et al.'s formulas for acceptance and speed-up.
 *
 * Notation follows ALGORITHMS.md section 5: p is the TARGET (large) model, q the DRAFT model.
 * Chen et al. (arXiv 2302.01318) use the opposite letters (q target, p draft); Leviathan et al.
 * (arXiv 2211.17192) use ours.
 *
 * Rows: draftProbs[i] = q_i, the distribution draftTokens[i] was drawn from; targetProbs[i] = p_i,
 * the target's distribution at the same position; targetProbs has one extra row, p_{gamma+1},
 * for the bonus token. Both must be the *processed* distributions (same temperature / top-k /
 * top-p), which is the caller's job.
 *
 * Order of random draws (fixed, so a round replays exactly from its generator state):
 *   1. one r = random() per verified draft token, in order, stopping after the first rejection;
 *   2. then exactly one more draw, consumed by `sampleIndex` (inverse CDF) to sample the
 *      residual token (after a rejection) or the bonus token (after gamma acceptances).
 * A round therefore uses (number of verified tokens) + 1 draws: n + 2 after a rejection at the
 * (n + 1)-th token, gamma + 1 when everything is accepted.
 */

import { argmax, scratchFloat64, topKIndices } from './numerics';
import { sampleIndex, type Random } from './prng';
import { requireInRange, requireTokenIds } from './validate';

/** How far a probability row's sum may stray from 1 (float32 rounding, not logits). */
export const DISTRIBUTION_SUM_TOLERANCE = 1e-3;

const DEFAULT_TOP_N = 10;

/** The decision of one verification round. */
export interface SpeculativeResult {
  /** How many draft tokens were accepted, 0..gamma. */
  accepted: number;
  /**
   * The accepted draft tokens, then the residual or bonus token: accepted + 1 tokens. When an
   * accepted draft token is the round's end token, the round ends with it: accepted tokens.
   */
  tokens: number[];
}

/** Options every round function takes. */
export interface SpeculativeEndOptions {
  /**
   * The end-of-sequence token, or several (a model may end on more than one), or null (default):
   * once a draft token equal to one is accepted the text is over, so the round stops there, as the
   * reference implementations do: later draft tokens are not verified, no more uniforms are drawn
   * and no residual or bonus token follows.
   */
  endToken?: number | readonly number[] | null;
}

/** What happened to one draft token. */
export type DraftVerdict = 'accepted' | 'rejected' | 'not-verified';

/** One draft token as the explainer shows it. */
export interface SpeculativeDraftStep {
  /** 0-based index into draftTokens, draftProbs and targetProbs. */
  position: number;
  token: number;
  /** q_i(x_i): the draft's probability of its own proposal (always > 0). */
  draftProb: number;
  /** p_i(x_i): the target's probability of the same token. */
  targetProb: number;
  /** p/q; acceptance happens iff r <= ratio. */
  ratio: number;
  /** min(1, p/q): the probability this token is accepted once it is reached. */
  acceptProb: number;
  /** The uniform drawn for this token; null when verification stopped before it. */
  r: number | null;
  verdict: DraftVerdict;
  /**
   * beta_i = sum_x min(p_i(x), q_i(x)) = 1 - TV(p_i, q_i): the chance that position i accepts
   * before the draft token is known. Listed for every draft position, verified or not, since it
   * does not depend on the draws.
   */
  beta: number;
}

/** One candidate of the distribution the final token was sampled from. */
export interface FinalCandidate {
  token: number;
  /** Probability under the distribution actually sampled (residual, target fallback or bonus). */
  prob: number;
  /** p(token) at the same row. */
  targetProb: number;
  /** q(token) at the same row; null for the bonus row, where the draft proposed nothing. */
  draftProb: number | null;
}

/** The residual at the rejected position. */
export interface ResidualTrace {
  position: number;
  /** sum_x max(0, p(x) - q(x)) before normalisation; equals TV(p, q) for exact distributions. */
  positiveMass: number;
  /** True when that mass was 0 (p <= q everywhere, only through rounding) and p was sampled. */
  fellBackToTarget: boolean;
}

/** The token every round ends with. */
export interface FinalTokenTrace {
  /** 'residual' after a rejection, 'bonus' after gamma acceptances. */
  kind: 'residual' | 'bonus';
  /** The targetProbs row it was sampled at (the rejected position, or gamma for the bonus). */
  position: number;
  token: number;
  /** Its probability under the distribution it was sampled from. */
  prob: number;
  /** p(token) at that row. */
  targetProb: number;
  /** The uniform given to inverse-CDF sampling. */
  u: number;
  /** Top-N of the sampled distribution: the residual on rejection, p_{gamma+1} for a bonus. */
  top: FinalCandidate[];
}

export interface SpeculativeTrace {
  method: 'speculative';
  gamma: number;
  vocabSize: number;
  accepted: number;
  tokens: number[];
  steps: SpeculativeDraftStep[];
  /** Null when every draft token was accepted, or the round ended at an accepted end token. */
  residual: ResidualTrace | null;
  /** Null when the round ended at an accepted end token (see SpeculativeEndOptions). */
  final: FinalTokenTrace | null;
}

export interface SpeculativeRoundResult extends SpeculativeResult {
  trace: SpeculativeTrace;
}

export interface SpeculativeRoundOptions extends SpeculativeEndOptions {
  /** How many candidates of the final token's distribution the trace lists (default 10). */
  topN?: number;
}

/** normalise(max(0, p - q)), or p when that has no mass. */
export interface ResidualDistribution {
  probs: Float32Array;
  /** sum_x max(0, p(x) - q(x)) before normalisation. */
  positiveMass: number;
  /** 'residual' normally; 'target' when positiveMass is 0 and p itself was returned. */
  source: 'residual' | 'target';
}

// ---------------------------------------------------------------------------------------------
// Validation

function requireFloat32Row(name: string, row: unknown): asserts row is Float32Array {
  if (!(row instanceof Float32Array)) throw new TypeError(`${name} must be a Float32Array`);
  if (row.length === 0) throw new RangeError(`${name} is empty; expected one entry per vocabulary token`);
}

/** Throws unless `row` holds finite non-negative numbers summing to 1 within the tolerance. */
function requireDistribution(name: string, row: unknown): asserts row is Float32Array {
  requireFloat32Row(name, row);
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (!(v >= 0) || v === Infinity) {
      throw new RangeError(`${name}[${i}] = ${v} is not a probability: entries must be finite and >= 0`);
    }
    sum += v;
  }
  if (Math.abs(sum - 1) > DISTRIBUTION_SUM_TOLERANCE) {
    throw new RangeError(
      `${name} sums to ${+sum.toPrecision(6)}, not 1 (tolerance ${DISTRIBUTION_SUM_TOLERANCE}): pass probabilities, not logits`,
    );
  }
}

function requireSameLength(name: string, row: Float32Array, refName: string, vocabSize: number): void {
  if (row.length !== vocabSize) {
    throw new RangeError(
      `${name} has ${row.length} entries but ${refName} has ${vocabSize}: every row must cover the same vocabulary`,
    );
  }
}

function requireDraftTokens(draftTokens: unknown): asserts draftTokens is number[] {
  if (!Array.isArray(draftTokens)) throw new TypeError('draftTokens must be an array of token ids');
}

function requireRows(name: string, rows: unknown, expected: number, why: string): asserts rows is Float32Array[] {
  if (!Array.isArray(rows)) throw new TypeError(`${name} must be an array of Float32Array rows`);
  if (rows.length !== expected) {
    throw new RangeError(`${name} must have ${expected} rows (${why}), got ${rows.length}`);
  }
}

/** Checks every shape and value the round relies on; returns the vocabulary size. */
function validateRound(draftTokens: number[], draftProbs: Float32Array[], targetProbs: Float32Array[]): number {
  requireDraftTokens(draftTokens);
  const gamma = draftTokens.length;
  requireRows('draftProbs', draftProbs, gamma, `one per draft token, gamma = ${gamma}`);
  requireRows('targetProbs', targetProbs, gamma + 1, `gamma + 1: one per draft token plus the bonus row`);
  requireDistribution('targetProbs[0]', targetProbs[0]);
  const vocabSize = targetProbs[0].length;
  for (let i = 1; i <= gamma; i++) {
    requireDistribution(`targetProbs[${i}]`, targetProbs[i]);
    requireSameLength(`targetProbs[${i}]`, targetProbs[i], 'targetProbs[0]', vocabSize);
  }
  for (let i = 0; i < gamma; i++) {
    requireDistribution(`draftProbs[${i}]`, draftProbs[i]);
    requireSameLength(`draftProbs[${i}]`, draftProbs[i], 'targetProbs[0]', vocabSize);
  }
  requireTokenIds('draftTokens', draftTokens, vocabSize);
  for (let i = 0; i < gamma; i++) {
    const x = draftTokens[i];
    if (draftProbs[i][x] === 0) {
      throw new RangeError(
        `draftTokens[${i}] = ${x} has probability 0 under draftProbs[${i}]: the draft cannot have proposed it`,
      );
    }
  }
  return vocabSize;
}

function drawUniform(random: Random, what: string): number {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1) for ${what}, got ${r}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The round

/** The residual without re-validating rows the caller already checked. */
function residualOf(p: Float32Array, q: Float32Array): ResidualDistribution {
  const weights = scratchFloat64(p.length);
  let mass = 0;
  for (let i = 0; i < p.length; i++) {
    // Differences of float32 values are exact multiples of 2^-149, so a true positive stays > 0.
    const w = Math.max(0, p[i] - q[i]);
    weights[i] = w;
    mass += w;
  }
  const probs = new Float32Array(p.length);
  if (mass === 0) {
    // Only reachable through rounding: rejection needs p(x) < q(x), and exact distributions
    // then have p(y) > q(y) somewhere else. Sampling p keeps the output distributed as p.
    let total = 0;
    for (let i = 0; i < p.length; i++) total += p[i];
    for (let i = 0; i < p.length; i++) probs[i] = p[i] / total;
    return { probs, positiveMass: 0, source: 'target' };
  }
  for (let i = 0; i < p.length; i++) probs[i] = weights[i] / mass;
  return { probs, positiveMass: mass, source: 'residual' };
}

/**
 * The distribution sampled after a rejection: normalise(max(0, p - q)). When that has no mass
 * (p <= q everywhere, which exact distributions allow only for p == q), returns p and says so.
 */
export function residualDistribution(p: Float32Array, q: Float32Array): ResidualDistribution {
  requireDistribution('p', p);
  requireDistribution('q', q);
  requireSameLength('q', q, 'p', p.length);
  return residualOf(p, q);
}

/** Everything one round decided, shared by the plain and the traced entry points. */
interface RoundOutcome {
  accepted: number;
  tokens: number[];
  /** r for each verified draft token, in order. */
  draws: number[];
  /** 'end': the last accepted draft token was the end token, and nothing follows it. */
  finalKind: 'residual' | 'bonus' | 'end';
  finalPosition: number;
  /** The distribution the final token was drawn from; null for 'end'. */
  finalDistribution: Float32Array | null;
  residual: ResidualDistribution | null;
  u: number;
}

/** The end tokens as a set (empty for null); each must be a token id the rows can hold. */
function requireEndTokens(endToken: unknown, vocabSize: number): ReadonlySet<number> {
  if (endToken === undefined || endToken === null) return new Set();
  const ids: unknown[] = Array.isArray(endToken) ? endToken : [endToken];
  for (const id of ids) {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= vocabSize) {
      throw new RangeError(`endToken must be null or a token id in [0, ${vocabSize}), got ${String(id)}`);
    }
  }
  return new Set(ids as number[]);
}

function runRound(
  draftTokens: number[],
  draftProbs: Float32Array[],
  targetProbs: Float32Array[],
  random: Random,
  options: SpeculativeEndOptions,
): RoundOutcome {
  const vocabSize = validateRound(draftTokens, draftProbs, targetProbs);
  const endTokens = requireEndTokens(options.endToken, vocabSize);
  if (typeof random !== 'function') throw new TypeError('random must be a function returning numbers in [0, 1)');
  const gamma = draftTokens.length;
  const draws: number[] = [];
  let accepted = 0;
  for (let i = 0; i < gamma; i++) {
    const x = draftTokens[i];
    const p = targetProbs[i][x];
    const q = draftProbs[i][x];
    const r = drawUniform(random, `draft token ${i}`);
    draws.push(r);
    // r <= p/q written without the division; p = 0 must reject even when r = 0.
    if (p > 0 && r * q <= p) {
      accepted++;
      if (endTokens.has(x)) {
        return { accepted, tokens: draftTokens.slice(0, accepted), draws, finalKind: 'end', finalPosition: i, finalDistribution: null, residual: null, u: Number.NaN };
      }
    } else {
      break;
    }
  }

  let finalDistribution: Float32Array;
  let residual: ResidualDistribution | null = null;
  if (accepted < gamma) {
    residual = residualOf(targetProbs[accepted], draftProbs[accepted]);
    finalDistribution = residual.probs;
  } else {
    finalDistribution = targetProbs[gamma];
  }
  let u = Number.NaN;
  const token = sampleIndex(finalDistribution, () => {
    u = drawUniform(random, 'the final token');
    return u;
  });
  return {
    accepted,
    tokens: [...draftTokens.slice(0, accepted), token],
    draws,
    finalKind: accepted < gamma ? 'residual' : 'bonus',
    finalPosition: accepted,
    finalDistribution,
    residual,
    u,
  };
}

/**
 * One round of speculative sampling (Chen et al. Algorithm 2; Leviathan et al. Algorithm 1).
 * Accepts x_i iff r <= p_i(x_i) / q_i(x_i), stops at the first rejection and then samples
 * normalise(max(0, p - q)) there, or a bonus token from p_{gamma+1} when all gamma are accepted.
 * gamma = 0 (no draft tokens) is plain sampling from p_1. The emitted tokens are distributed
 * exactly as sampling from p token by token.
 */
export function speculativeVerify(
  draftTokens: number[],
  draftProbs: Float32Array[],
  targetProbs: Float32Array[],
  random: () => number,
  options: SpeculativeEndOptions = {},
): SpeculativeResult {
  const { accepted, tokens } = runRound(draftTokens, draftProbs, targetProbs, random, options);
  return { accepted, tokens };
}

/** sum_x min(p(x), q(x)) for rows already validated. */
function overlap(p: Float32Array, q: Float32Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.min(p[i], q[i]);
  return Math.min(1, s);
}

/**
 * speculativeVerify plus the trace a widget draws: every draft token with q, p, p/q, r and its
 * verdict, the residual's mass, and the final token with the top of its distribution.
 * Consumes the same draws in the same order, so it decides exactly as speculativeVerify.
 */
export function speculativeRound(
  draftTokens: number[],
  draftProbs: Float32Array[],
  targetProbs: Float32Array[],
  random: () => number,
  options: SpeculativeRoundOptions = {},
): SpeculativeRoundResult {
  const topN = requireInRange('topN', options.topN ?? DEFAULT_TOP_N, { min: 0, integer: true });
  const outcome = runRound(draftTokens, draftProbs, targetProbs, random, options);

  const steps: SpeculativeDraftStep[] = draftTokens.map((token, i) => {
    const targetProb = targetProbs[i][token];
    const draftProb = draftProbs[i][token];
    const ratio = targetProb / draftProb;
    const verified = i < outcome.draws.length;
    return {
      position: i,
      token,
      draftProb,
      targetProb,
      ratio,
      acceptProb: Math.min(1, ratio),
      r: verified ? outcome.draws[i] : null,
      verdict: !verified ? 'not-verified' : i < outcome.accepted ? 'accepted' : 'rejected',
      beta: overlap(targetProbs[i], draftProbs[i]),
    };
  });

  const trace: SpeculativeTrace = {
    method: 'speculative',
    gamma: draftTokens.length,
    vocabSize: targetProbs[0].length,
    accepted: outcome.accepted,
    tokens: [...outcome.tokens],
    steps,
    residual: outcome.residual
      ? { position: outcome.finalPosition, positiveMass: outcome.residual.positiveMass, fellBackToTarget: outcome.residual.source === 'target' }
      : null,
    final: finalTokenTrace(outcome, draftProbs, targetProbs, topN),
  };
  return { accepted: outcome.accepted, tokens: outcome.tokens, trace };
}

/** The residual or bonus token with the top of the distribution it was drawn from; null for 'end'. */
function finalTokenTrace(outcome: RoundOutcome, draftProbs: Float32Array[], targetProbs: Float32Array[], topN: number): FinalTokenTrace | null {
  const sampled = outcome.finalDistribution;
  if (outcome.finalKind === 'end' || sampled === null) return null;
  const row = outcome.finalPosition;
  const p = targetProbs[row];
  const q = row < draftProbs.length ? draftProbs[row] : null;
  const token = outcome.tokens[outcome.tokens.length - 1];
  // Zero-probability entries are not candidates; a residual often has few.
  const top: FinalCandidate[] = topKIndices(sampled, topN).filter((t) => sampled[t] > 0).map((t) => ({
    token: t,
    prob: sampled[t],
    targetProb: p[t],
    draftProb: q ? q[t] : null,
  }));
  return { kind: outcome.finalKind, position: row, token, prob: sampled[token], targetProb: p[token], u: outcome.u, top };
}

// ---------------------------------------------------------------------------------------------
// Greedy (T = 0)

function validateGreedy(draftTokens: number[], targetRows: Float32Array[]): void {
  requireDraftTokens(draftTokens);
  const gamma = draftTokens.length;
  requireRows('targetRows', targetRows, gamma + 1, `gamma + 1: one per draft token plus the bonus row`);
  for (let i = 0; i <= gamma; i++) {
    const row = targetRows[i];
    requireFloat32Row(`targetRows[${i}]`, row);
    if (i > 0) requireSameLength(`targetRows[${i}]`, row, 'targetRows[0]', targetRows[0].length);
    let best = -Infinity;
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (Number.isNaN(v)) throw new RangeError(`targetRows[${i}][${j}] is NaN; expected a logit or a probability`);
      if (v > best) best = v;
    }
    if (best === -Infinity) throw new RangeError(`targetRows[${i}] is entirely -Infinity: no token is left to choose from`);
  }
  requireTokenIds('draftTokens', draftTokens, targetRows[0].length);
}

/** The greedy round's decision plus the target's argmax at each row it looked at. */
function runGreedy(
  draftTokens: number[],
  targetRows: Float32Array[],
  options: SpeculativeEndOptions,
): { accepted: number; tokens: number[]; argmaxes: number[]; ended: boolean } {
  validateGreedy(draftTokens, targetRows);
  const endTokens = requireEndTokens(options.endToken, targetRows[0].length);
  const gamma = draftTokens.length;
  const argmaxes: number[] = [];
  let accepted = 0;
  while (accepted < gamma) {
    const best = argmax(targetRows[accepted]);
    argmaxes.push(best);
    if (draftTokens[accepted] !== best) break;
    accepted++;
    if (endTokens.has(best)) return { accepted, tokens: draftTokens.slice(0, accepted), argmaxes, ended: true };
  }
  if (accepted === gamma) argmaxes.push(argmax(targetRows[gamma]));
  // The last argmax computed is the target's own choice at the first row that disagreed (or the
  // bonus row), which is the token the target would have emitted there.
  const final = argmaxes[argmaxes.length - 1];
  return { accepted, tokens: [...draftTokens.slice(0, accepted), final], argmaxes, ended: false };
}

/**
 * The T = 0 round: accept x_i while it equals argmax p_i (ties go to the lowest index), then emit
 * argmax at the first disagreeing row, or at the bonus row. `targetRows` may be probabilities or
 * logits, since only the argmax matters. The output equals target-only greedy decoding exactly.
 */
export function speculativeVerifyGreedy(
  draftTokens: number[],
  targetRows: Float32Array[],
  options: SpeculativeEndOptions = {},
): SpeculativeResult {
  const { accepted, tokens } = runGreedy(draftTokens, targetRows, options);
  return { accepted, tokens };
}

export interface SpeculativeGreedyStep {
  position: number;
  token: number;
  /** argmax of the target row; null when verification stopped before this token. */
  targetArgmax: number | null;
  verdict: DraftVerdict;
}

export interface SpeculativeGreedyTrace {
  method: 'speculative-greedy';
  gamma: number;
  accepted: number;
  tokens: number[];
  steps: SpeculativeGreedyStep[];
  /** Null when the round ended at an accepted end token (see SpeculativeEndOptions). */
  final: { kind: 'residual' | 'bonus'; position: number; token: number } | null;
}

/** speculativeVerifyGreedy plus a trace of which draft tokens matched the target's argmax. */
export function speculativeRoundGreedy(
  draftTokens: number[],
  targetRows: Float32Array[],
  options: SpeculativeEndOptions = {},
): SpeculativeResult & { trace: SpeculativeGreedyTrace } {
  const { accepted, tokens, argmaxes, ended } = runGreedy(draftTokens, targetRows, options);
  const gamma = draftTokens.length;
  const steps: SpeculativeGreedyStep[] = draftTokens.map((token, i) => ({
    position: i,
    token,
    targetArgmax: i < argmaxes.length ? argmaxes[i] : null,
    verdict: i < accepted ? 'accepted' : i === accepted && !ended ? 'rejected' : 'not-verified',
  }));
  const trace: SpeculativeGreedyTrace = {
    method: 'speculative-greedy',
    gamma,
    accepted,
    tokens: [...tokens],
    steps,
    final: ended ? null : { kind: accepted < gamma ? 'residual' : 'bonus', position: accepted, token: tokens[tokens.length - 1] },
  };
  return { accepted, tokens, trace };
}

// ---------------------------------------------------------------------------------------------
// Theory (Leviathan et al. section 3)

/**
 * beta = sum_x min(p(x), q(x)) = 1 - TV(p, q): the probability that one draft token drawn from q
 * is accepted against p. Clamped to 1 so float32 rows summing a hair above 1 stay a probability.
 */
export function acceptanceRate(p: Float32Array, q: Float32Array): number {
  requireDistribution('p', p);
  requireDistribution('q', q);
  requireSameLength('q', q, 'p', p.length);
  return overlap(p, q);
}

function requireAlpha(alpha: number): void {
  requireInRange('alpha', alpha, { min: 0, max: 1 });
}

function requireGamma(gamma: number, min = 0): void {
  requireInRange('gamma', gamma, { min, integer: true });
}

/**
 * E[tokens per round] = (1 - alpha^(gamma+1)) / (1 - alpha) = 1 + alpha + ... + alpha^gamma,
 * for i.i.d. acceptances with rate alpha. alpha = 1 gives gamma + 1 exactly.
 */
export function expectedTokensPerRound(alpha: number, gamma: number): number {
  requireAlpha(alpha);
  requireGamma(gamma);
  if (alpha === 1) return gamma + 1;
  if (alpha === 0) return 1;
  // -expm1((gamma+1) log alpha) keeps full precision as alpha -> 1, where 1 - alpha^(gamma+1)
  // would cancel catastrophically; 1 - alpha is exact there (Sterbenz).
  return -Math.expm1((gamma + 1) * Math.log(alpha)) / (1 - alpha);
}

/**
 * Expected wall-time speed-up over target-only decoding:
 * (1 - alpha^(gamma+1)) / ((1 - alpha)(gamma c + 1)), c = cost of a draft step / a target step.
 */
export function expectedSpeedup(alpha: number, gamma: number, costRatio: number): number {
  requireAlpha(alpha);
  requireGamma(gamma);
  requireInRange('costRatio', costRatio, { min: 0 });
  return expectedTokensPerRound(alpha, gamma) / (gamma * costRatio + 1);
}

/**
 * The alpha for which expectedTokensPerRound(alpha, gamma) equals a measured mean, by bisection
 * (the function rises strictly from 1 at alpha = 0 to gamma + 1 at alpha = 1). Needs gamma >= 1:
 * with no draft tokens every round yields one token whatever alpha is.
 */
export function estimateAlpha(meanTokensPerRound: number, gamma: number): number {
  requireGamma(gamma, 1);
  requireInRange('meanTokensPerRound', meanTokensPerRound, { min: 1, max: gamma + 1 });
  if (meanTokensPerRound === 1) return 0;
  if (meanTokensPerRound === gamma + 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let iter = 0; iter < 200 && hi - lo > 1e-15; iter++) {
    const mid = (lo + hi) / 2;
    if (expectedTokensPerRound(mid, gamma) < meanTokensPerRound) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
