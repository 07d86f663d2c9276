/**
 * Contrastive decoding: an expert and an amateur model score the same next token, and the
 * decision favours what the expert believes *more than* the amateur does (ALGORITHMS.md §2-3).
 *
 * Two published forms, both restricted to the expert's plausible head
 * `V_head = { x : p_exp(x) >= alpha * max p_exp }`:
 * - `li2022` (Li et al. 2022, arXiv 2210.15097): `log p_exp(x) - (1/tau) * log p_ama(x)`.
 *   As in the reference code, the amateur temperature tau divides the amateur's
 *   log-probabilities, not its logits.
 * - `obrien2023` (O'Brien & Lewis 2023, arXiv 2309.09117): `(1 + beta) * s_e(x) - beta * s_a(x)`
 *   on raw logits. Up to a positive factor and a constant on the head it equals `li2022` with
 *   tau = (1 + beta) / beta, so both pick the same token.
 */

import { argmax, Float32Scratch, Float64Scratch, logSumExp, requireStorageLength, topKIndices, Uint8Scratch } from './numerics';
import { scoreForTrace, type TokenScore } from './trace';
import { requireInRange } from './validate';
import { checkRow, flooredLogProbs, toFloat32Score, topIdsWithinMask, type FlooredLogProbs } from './rows';

export type ContrastiveVariant = 'li2022' | 'obrien2023';

export interface ContrastiveOptions {
  variant: ContrastiveVariant;
  /** Plausibility cut-off relative to the expert's top probability, in [0, 1]; 0 keeps every token. */
  alpha?: number;
  /** obrien2023 only: weight of the amateur, >= 0; 0 is expert greedy. */
  beta?: number;
  /** li2022 only: tau > 0, divides the amateur's log-probabilities. */
  amateurTemperature?: number;
}

export const CONTRASTIVE_DEFAULTS = { alpha: 0.1, beta: 0.5, amateurTemperature: 1 } as const;

const VARIANTS: readonly ContrastiveVariant[] = ['li2022', 'obrien2023'];

export interface PlausibleHead {
  /** mask[x] = 1 when token x is in the head. */
  mask: Uint8Array;
  /** Number of tokens in the head. */
  size: number;
  /** alpha * max p_exp. */
  thresholdProb: number;
  /** log(alpha) + max log p_exp; -Infinity when alpha = 0. */
  thresholdLogProb: number;
  /** log(alpha) + max s_e: the same cut in logit space; -Infinity when alpha = 0. */
  thresholdLogit: number;
}

/**
 * The expert's plausible head `{ x : p_exp(x) >= alpha * max p_exp }`.
 *
 * The test runs in logit space, `s_e(x) - max s_e >= log(alpha)`, which is the probability test
 * exactly (the softmax normaliser cancels) and lets both variants share one mask bit for bit.
 * alpha = 0 disables the mask: every token is in the head (the reference code's greedy path
 * skips the mask silently; here it is an explicit choice). `logNormalizer` is logSumExp of the
 * logits, for a caller that has it already. Every entry of `into` is written, so a caller may pass
 * storage it reuses.
 */
export function plausibleHead(
  expertLogits: Float32Array,
  alpha: number,
  logNormalizer?: number,
  into: Uint8Array = new Uint8Array(expertLogits.length),
): PlausibleHead {
  checkRow(expertLogits, 'expertLogits');
  requireInRange('alpha', alpha, { min: 0, max: 1 });
  requireStorageLength(into, expertLogits.length);
  let maxLogit = -Infinity;
  for (let i = 0; i < expertLogits.length; i++) if (expertLogits[i] > maxLogit) maxLogit = expertLogits[i];
  const logAlpha = Math.log(alpha);
  const mask = into;
  let size = 0;
  for (let i = 0; i < expertLogits.length; i++) {
    const inHead = alpha === 0 || expertLogits[i] - maxLogit >= logAlpha;
    mask[i] = inHead ? 1 : 0;
    if (inHead) size++;
  }
  const maxLogProb = maxLogit - (logNormalizer ?? logSumExp(expertLogits));
  return {
    mask,
    size,
    thresholdProb: alpha * Math.exp(maxLogProb),
    thresholdLogProb: logAlpha + maxLogProb,
    thresholdLogit: logAlpha + maxLogit,
  };
}

interface ResolvedOptions {
  variant: ContrastiveVariant;
  alpha: number;
  beta: number;
  amateurTemperature: number;
}

function resolveOptions(options: ContrastiveOptions): ResolvedOptions {
  if (!VARIANTS.includes(options.variant)) {
    throw new RangeError(`variant must be one of ${VARIANTS.join(', ')}, got ${String(options.variant)}`);
  }
  const alpha = options.alpha ?? CONTRASTIVE_DEFAULTS.alpha;
  const beta = options.beta ?? CONTRASTIVE_DEFAULTS.beta;
  const amateurTemperature = options.amateurTemperature ?? CONTRASTIVE_DEFAULTS.amateurTemperature;
  requireInRange('alpha', alpha, { min: 0, max: 1 });
  requireInRange('beta', beta, { min: 0 });
  requireInRange('amateurTemperature', amateurTemperature, { min: 0, minInclusive: false });
  return { variant: options.variant, alpha, beta, amateurTemperature };
}

function requireSameVocabulary(expert: Float32Array, amateur: Float32Array): void {
  if (expert.length !== amateur.length) {
    throw new RangeError(
      `expert and amateur must share one vocabulary, got ${expert.length} and ${amateur.length} logits`,
    );
  }
}

interface ContrastComputation {
  scores: Float32Array;
  head: PlausibleHead;
  expertLogNormalizer: number;
  amateur: FlooredLogProbs;
}

// The amateur's floored log-probabilities are read only inside one call (a trace keeps the floor,
// not the row), so their storage is reused (numerics.ts says why).
const amateurScratch = new Float64Scratch();
// contrastiveStep's rows (scores, both distributions) and head mask: its trace copies the numbers
// it keeps. Slots: scores, expert probabilities, amateur probabilities.
const stepScratch = new Float32Scratch();
const stepMaskScratch = new Uint8Scratch();

/** Scores go into `scoresInto` (every entry written): fresh for contrastiveScores' caller, reused by a step. */
function computeContrast(
  expert: Float32Array,
  amateur: Float32Array,
  opts: ResolvedOptions,
  scoresInto: Float32Array = new Float32Array(expert.length),
  maskInto?: Uint8Array,
): ContrastComputation {
  checkRow(expert, 'expert');
  checkRow(amateur, 'amateur');
  requireSameVocabulary(expert, amateur);
  const head = plausibleHead(expert, opts.alpha, undefined, maskInto);
  const ama = flooredLogProbs(amateur, undefined, amateurScratch.get(amateur.length));
  const expertLogNormalizer = logSumExp(expert);
  const scores = scoresInto.fill(-Infinity);
  for (let x = 0; x < expert.length; x++) {
    // With alpha = 0 the head holds tokens the expert itself rules out: they stay -Infinity
    // (and never reach -Infinity - -Infinity or 0 * -Infinity below).
    if (!head.mask[x] || expert[x] === -Infinity) continue;
    if (opts.variant === 'li2022') {
      scores[x] = toFloat32Score(
        expert[x] - expertLogNormalizer - ama.logProbs[x] / opts.amateurTemperature,
        `contrastive score of token ${x} with amateurTemperature ${opts.amateurTemperature}`,
      );
    } else {
      // Raw logits, as the paper writes it; a ruled-out amateur logit gets the floored
      // log-probability mapped back to logit space, so the score stays finite.
      const amateurLogit = amateur[x] === -Infinity ? ama.floor + ama.logNormalizer : amateur[x];
      // s_e + beta * (s_e - s_a) is (1 + beta) s_e - beta s_a, written so that beta = 0 gives the
      // expert's logit exactly and no overflow can turn into Infinity - Infinity (NaN).
      scores[x] = toFloat32Score(
        expert[x] + opts.beta * (expert[x] - amateurLogit),
        `contrastive score of token ${x} with beta ${opts.beta}`,
      );
    }
  }
  return { scores, head, expertLogNormalizer, amateur: ama };
}

/**
 * Contrastive-decoding scores for every token: the variant's score inside the expert's
 * plausible head, -Infinity outside. `expert` and `amateur` are raw logits over one vocabulary.
 *
 * An amateur logit of -Infinity inside the head is replaced by a finite stand-in (see
 * LOG_PROB_FLOOR), so the result is never NaN or +Infinity. Scores are not renormalised.
 * Note that obrien2023 works on raw logits: adding a constant c to every amateur logit shifts
 * every head score by -beta * c (same choice, same softmax), whereas li2022's scores, built on
 * log-probabilities, do not move at all.
 */
export function contrastiveScores(
  expert: Float32Array,
  amateur: Float32Array,
  options: { variant: 'li2022' | 'obrien2023'; alpha?: number; beta?: number; amateurTemperature?: number },
): Float32Array {
  return computeContrast(expert, amateur, resolveOptions(options)).scores;
}

/** What the amateur sees at each step. */
export type AmateurContext = 'ignorePrefix' | 'full';

/**
 * The token ids the amateur is conditioned on.
 *
 * 'ignorePrefix' is the reference code's default (XiangLi1999/ContrastiveDecoding,
 * `--ignore_prefix yes`): the amateur sees only the last prompt token and the continuation, so
 * it cannot use the prompt and contrasts against a generic, context-poor guess. 'full' gives it
 * the whole prompt, like the expert. A causal model needs at least one token to predict from,
 * so the prompt must not be empty.
 */
export function amateurContextIds(
  promptIds: readonly number[],
  continuationIds: readonly number[],
  context: AmateurContext = 'ignorePrefix',
): number[] {
  if (promptIds.length === 0) throw new RangeError('promptIds must hold at least 1 token, got 0');
  if (context === 'ignorePrefix') return [promptIds[promptIds.length - 1], ...continuationIds];
  if (context === 'full') return [...promptIds, ...continuationIds];
  throw new RangeError(`context must be one of ignorePrefix, full, got ${String(context)}`);
}

export interface ContrastiveStepOptions extends ContrastiveOptions {
  /** Length of the expert / amateur top lists in the trace (default 10). */
  topN?: number;
  /** Most head tokens listed in the trace (default 100); `head.size` is always the true size. */
  maxHeadTokens?: number;
}

/** One head token as the trace lists it. Log-probabilities are null where they are -Infinity. */
export interface ContrastiveCandidate {
  token: number;
  expertProb: number;
  expertLogProb: number | null;
  amateurProb: number;
  amateurLogProb: number | null;
  /** The contrastive score (never null inside the head unless the expert itself ruled x out). */
  score: number | null;
}

export interface ContrastiveTrace {
  method: 'contrastive';
  variant: ContrastiveVariant;
  params: {
    alpha: number;
    /** Used by obrien2023 only. */
    beta: number;
    /** Used by li2022 only. */
    amateurTemperature: number;
  };
  /** obrien2023's beta seen as li2022's tau = (1 + beta) / beta (null when that is infinite, beta = 0). */
  equivalentAmateurTemperature: number | null;
  vocabSize: number;
  /** Expert's most probable tokens; `score` is each token's CD score (null outside the head). */
  expertTop: TokenScore[];
  /** Amateur's most probable tokens; `score` is each token's CD score (null outside the head). */
  amateurTop: TokenScore[];
  head: {
    /** True number of tokens in the plausible head. */
    size: number;
    thresholdProb: number;
    /** null when alpha = 0 (threshold -Infinity: no cut). */
    thresholdLogProb: number | null;
    thresholdLogit: number | null;
    /** Head tokens by expert probability, at most maxHeadTokens of them. */
    tokens: number[];
    truncated: boolean;
  };
  /** Head tokens ranked by CD score (ties: lower id first), at most maxHeadTokens. */
  candidates: ContrastiveCandidate[];
  /** The stand-in log-probability used for amateur -Infinity entries, and how many there were. */
  amateurLogProbFloor: number;
  amateurFlooredCount: number;
  /** argmax of the scores, ties to the lowest id. */
  chosen: { token: number; score: number };
  /** What plain greedy decoding of the expert would pick. */
  expertGreedyToken: number;
  differsFromExpertGreedy: boolean;
}

export interface ContrastiveStepResult {
  token: number;
  trace: ContrastiveTrace;
}

function probsFromLogits(logits: Float32Array, logNormalizer: number, into: Float32Array): Float32Array {
  const probs = into;
  for (let i = 0; i < logits.length; i++) probs[i] = Math.exp(logits[i] - logNormalizer);
  return probs;
}

/**
 * One contrastive-decoding step: the chosen token (argmax of the scores, ties to the lowest id)
 * and a trace with everything a widget draws.
 */
export function contrastiveStep(
  expert: Float32Array,
  amateur: Float32Array,
  options: ContrastiveStepOptions,
): ContrastiveStepResult {
  const opts = resolveOptions(options);
  const topN = requireInRange('topN', options.topN ?? 10, { min: 1, integer: true });
  const maxHeadTokens = requireInRange('maxHeadTokens', options.maxHeadTokens ?? 100, { min: 1, integer: true });
  const n = expert.length;
  const { scores, head, expertLogNormalizer, amateur: ama } = computeContrast(expert, amateur, opts, stepScratch.get(n, 0), stepMaskScratch.get(n));

  const expertProbs = probsFromLogits(expert, expertLogNormalizer, stepScratch.get(n, 1));
  const amateurProbs = probsFromLogits(amateur, ama.logNormalizer, stepScratch.get(n, 2));
  const token = argmax(scores);
  const expertGreedyToken = argmax(expert);

  const toTokenScores = (ids: number[], probs: Float32Array): TokenScore[] =>
    ids.map((id) => ({ token: id, prob: probs[id], score: scoreForTrace(scores[id]) }));

  const logProbOrNull = (logit: number, logNormalizer: number): number | null =>
    logit === -Infinity ? null : logit - logNormalizer;

  const candidates: ContrastiveCandidate[] = topIdsWithinMask(head.mask, scores, maxHeadTokens).map((id) => ({
    token: id,
    expertProb: expertProbs[id],
    expertLogProb: logProbOrNull(expert[id], expertLogNormalizer),
    amateurProb: amateurProbs[id],
    amateurLogProb: logProbOrNull(amateur[id], ama.logNormalizer),
    score: scoreForTrace(scores[id]),
  }));

  const trace: ContrastiveTrace = {
    method: 'contrastive',
    variant: opts.variant,
    params: { alpha: opts.alpha, beta: opts.beta, amateurTemperature: opts.amateurTemperature },
    equivalentAmateurTemperature: scoreForTrace((1 + opts.beta) / opts.beta),
    vocabSize: expert.length,
    expertTop: toTokenScores(topKIndices(expert, topN), expertProbs),
    amateurTop: toTokenScores(topKIndices(amateur, topN), amateurProbs),
    head: {
      size: head.size,
      thresholdProb: head.thresholdProb,
      thresholdLogProb: scoreForTrace(head.thresholdLogProb),
      thresholdLogit: scoreForTrace(head.thresholdLogit),
      tokens: topIdsWithinMask(head.mask, expert, maxHeadTokens),
      truncated: head.size > maxHeadTokens,
    },
    candidates,
    amateurLogProbFloor: ama.floor,
    amateurFlooredCount: ama.flooredCount,
    chosen: { token, score: scores[token] },
    expertGreedyToken,
    differsFromExpertGreedy: token !== expertGreedyToken,
  };
  return { token, trace };
}
