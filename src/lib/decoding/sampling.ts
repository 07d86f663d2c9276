/**
 * One decoding step by greedy choice or by sampling, with a trace of everything a widget draws:
 * the top tokens before and after processing, how many tokens each stage kept, the entropy of the
 * final distribution and, when sampling, the uniform draw that picked the token.
 *
 * Temperature 0 is greedy: the processors that would follow temperature are not run, since as
 * T -> 0+ the distribution becomes a point mass on the argmax of the penalised scores and every
 * filter keeps that point (see `buildProcessors`). A greedy step consumes no random draw.
 */
import { argmax, entropy, Float32Scratch, requireStorageLength, softmax, topKIndices } from './numerics';
import { sampleIndex, type Random } from './prng';
import {
  applyProcessors,
  buildProcessors,
  checkRow,
  resolveSamplingOptions,
  type ResolvedSamplingOptions,
  type SamplingOptions,
  type StageRecord,
} from './processors';
import { tokenScores, type TokenScore } from './trace';
import { requireInRange } from './validate';

export type { SamplingOptions, ResolvedSamplingOptions } from './processors';

export interface TraceOptions {
  /** How many tokens the `before` and `after` lists hold (integer >= 0; default 10). */
  topN?: number;
}

/** Everything one greedy or sampling step decided (JSON-clean: see trace.ts). */
export interface SamplingTrace {
  method: 'greedy' | 'sample';
  /** The chosen token id. */
  token: number;
  /** Probability of `token` under the distribution `after` describes. */
  prob: number;
  /** Top tokens by raw logit: `prob` = softmax(raw logits), `score` = raw logit. */
  before: TokenScore[];
  /**
   * Top tokens by processed score: `prob` = softmax(processed scores), `score` = processed score.
   * When fewer than topN tokens survive, masked tokens fill the list (score null, prob 0), highest
   * raw logit first, so a widget can show what was cut. For greedy the processed scores are the
   * penalised logits at temperature 1 (the greedy choice is their argmax).
   */
  after: TokenScore[];
  /** One record per processor that ran, in pipeline order (identity settings run nothing). */
  stages: StageRecord[];
  /** Tokens with a finite processed score. */
  kept: number;
  /** Entropy in nats of softmax(processed scores), the distribution `after` describes. */
  entropy: number;
  /** The uniform number in [0, 1) that picked the token; null for greedy (no draw is consumed). */
  draw: number | null;
  /** The options the step ran with, defaults filled in, so the step can be replayed. */
  options: ResolvedSamplingOptions;
}

export interface StepResult {
  token: number;
  trace: SamplingTrace;
}

function requireTopN(traceOptions: TraceOptions): number {
  return requireInRange('topN', traceOptions.topN ?? 10, { min: 0, integer: true });
}

/** Top `n` survivors by processed score, then masked tokens by raw logit, as trace entries. */
function afterList(raw: Float32Array, processed: Float32Array, probs: Float32Array, kept: number, n: number): TokenScore[] {
  const ids = topKIndices(processed, Math.min(n, kept));
  if (ids.length < n) {
    for (const id of topKIndices(raw, n + kept)) {
      if (ids.length >= n) break;
      if (processed[id] === -Infinity) ids.push(id);
    }
  }
  return tokenScores(ids, probs, processed);
}

/**
 * The pipeline's result for `options`; with no processor to run (greedy or plain sampling, no
 * penalty) the row itself, not a copy that would only be read, so a caller can tell that the two
 * are the same values (and reuse their softmax).
 */
function processedRow(logits: Float32Array, contextIds: readonly number[], options: ResolvedSamplingOptions): { logits: Float32Array; stages: StageRecord[] } {
  const processors = buildProcessors(options);
  return processors.length === 0 ? { logits, stages: [] } : applyProcessors(logits, contextIds, processors);
}

// A step's distributions (after and before the processors) are read only inside the call; its
// trace copies the numbers it keeps (numerics.ts says why the storage is reused).
const stepScratch = new Float32Scratch();

function step(
  logits: Float32Array,
  contextIds: readonly number[],
  options: ResolvedSamplingOptions,
  random: Random | null,
  topN: number,
): StepResult {
  checkRow(logits);
  const { logits: processed, stages } = processedRow(logits, contextIds, options);
  const probs = softmax(processed, stepScratch.get(processed.length, 0));
  let kept = 0;
  for (let i = 0; i < processed.length; i++) if (processed[i] !== -Infinity) kept++;

  const greedy = options.temperature === 0 || random === null;
  let token: number;
  let draw: number | null = null;
  if (greedy) {
    token = argmax(processed);
  } else {
    const draws: number[] = [];
    token = sampleIndex(probs, () => {
      const u = random();
      draws.push(u);
      return u;
    });
    draw = draws[0] ?? null;
  }

  const trace: SamplingTrace = {
    method: greedy ? 'greedy' : 'sample',
    token,
    prob: probs[token],
    before: tokenScores(topKIndices(logits, topN), processed === logits ? probs : softmax(logits, stepScratch.get(logits.length, 1)), logits),
    after: afterList(logits, processed, probs, kept, topN),
    stages,
    kept,
    entropy: entropy(probs),
    draw,
    options: { ...options },
  };
  return { token, trace };
}

/**
 * Greedy decoding: the argmax of the penalised logits (repetition penalty and no-repeat n-gram
 * from `options`), lowest token id among ties. `options.temperature` must be 0 or absent; the
 * filters (topK, topP, minP, typical) are validated but cannot change a greedy choice (see the
 * module note). Consumes no randomness.
 */
export function greedyStep(
  logits: Float32Array,
  contextIds: readonly number[] = [],
  options: SamplingOptions = {},
  traceOptions: TraceOptions = {},
): StepResult {
  if (options.temperature !== undefined && options.temperature !== 0) {
    throw new RangeError(
      `greedyStep decodes at temperature 0, got temperature ${String(options.temperature)}; use sampleStep for temperature > 0`,
    );
  }
  const resolved = { ...resolveSamplingOptions(options), temperature: 0 };
  return step(logits, contextIds, resolved, null, requireTopN(traceOptions));
}

/**
 * One sampling step: processors in pipeline order (penalties -> temperature -> top-k -> top-p ->
 * min-p -> typical), then one draw from softmax of the result by inverse CDF (see prng.ts), so a
 * masked token (probability 0) is never chosen. With temperature 0 this is `greedyStep` and
 * `random` is not called.
 */
export function sampleStep(
  logits: Float32Array,
  contextIds: readonly number[],
  options: SamplingOptions,
  random: Random,
  traceOptions: TraceOptions = {},
): StepResult {
  if (typeof random !== 'function') throw new TypeError('random must be a function returning a number in [0, 1)');
  return step(logits, contextIds, resolveSamplingOptions(options), random, requireTopN(traceOptions));
}

/**
 * The distribution the next token is drawn from under `options`: softmax of the processed
 * logits, or for temperature 0 the point mass on the greedy token. A new Float32Array over the
 * vocabulary, for widgets and tests (sampleStep draws from exactly this), or `into`, every entry
 * written, for a caller that reuses storage.
 */
export function finalDistribution(
  logits: Float32Array,
  contextIds: readonly number[] = [],
  options: SamplingOptions = {},
  into: Float32Array = new Float32Array(logits.length),
): Float32Array {
  const resolved = resolveSamplingOptions(options);
  checkRow(logits);
  requireStorageLength(into, logits.length);
  const { logits: processed } = processedRow(logits, contextIds, resolved);
  if (resolved.temperature !== 0) return softmax(processed, into);
  into.fill(0);
  into[argmax(processed)] = 1;
  return into;
}
