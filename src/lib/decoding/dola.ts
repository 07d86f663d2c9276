/**
 * DoLa, decoding by contrasting layers (Chuang et al. 2023, arXiv 2309.03883; ALGORITHMS.md §4).
 *
 * Layers index hidden states: 0 is the embedding output, i the output of block i, N the final
 * layer. `layerLogits[j]` holds the early-exit logits `lm_head(h_j)` of the last position, so the
 * array has N + 1 rows and its last row is the mature (final) distribution. Each step picks the
 * premature layer that differs most from the mature one, then scores tokens by how much their
 * log-probability grew between the two, inside the mature layer's relative-top head.
 */

import { plausibleHead } from './contrastive';
import { checkRow, flooredLogProbs, toFloat32Score, topIdsWithinMask } from './rows';
import { argmax, Float32Scratch, Float64Scratch, logSumExp, topKIndices, Uint8Scratch } from './numerics';
import { repetitionPenalty as applyRepetitionPenalty } from './processors';
import { scoreForTrace } from './trace';
import { requireInRange, requireTokenIds } from './validate';

export type DolaBucket = 'low' | 'high' | number[];
export type DolaDivergence = 'jsd' | 'reference';

export const DOLA_DEFAULTS = { divergence: 'jsd', relativeTop: 0.1, repetitionPenalty: 1 } as const;

const DIVERGENCES: readonly DolaDivergence[] = ['jsd', 'reference'];

/** [start, start + step, ...) below stop, like Python's range. */
function range(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

/**
 * The candidate premature layers of a DoLa bucket, by the reference rules (voidism/DoLa and
 * Hugging Face transformers' `_dola_decoding`), for a model with `numLayers` = N blocks.
 *
 * With tied embeddings an early exit at layer 0 is close to an identity map (each token mostly
 * predicts itself), so the bucket starts at layer 2 (1 for a 2-block model, 0 for a 1-block one). 'low' is every
 * second layer from the start up to N/2 (up to layer 20 when N > 40), or just the start when it
 * already is N/2; 'high' is every second layer from N/2 (the last 20 layers when N > 40).
 * The rule can give an empty bucket (tied, N = 3: start 2 is past N/2 = 1); it is returned as is,
 * exactly like the reference, and dolaScores then refuses it with a message.
 * An explicit list keeps its entries below N, in the given order (the final layer cannot contrast
 * with itself); entries must be integers >= 0, since a negative index has no layer.
 */
export function dolaCandidateLayers(numLayers: number, bucket: 'low' | 'high' | number[], tiedEmbeddings: boolean): number[] {
  const n = requireInRange('numLayers', numLayers, { min: 1, integer: true });
  if (Array.isArray(bucket)) {
    for (const layer of bucket) requireInRange('candidate layer', layer, { min: 0, integer: true });
    return bucket.filter((layer) => layer < n);
  }
  const half = Math.floor(n / 2);
  if (bucket === 'low') {
    const start = !tiedEmbeddings ? 0 : n > 2 ? 2 : n === 2 ? 1 : 0;
    if (start === half) return [start];
    return n <= 40 ? range(start, half, 2) : range(start, 20, 2);
  }
  if (bucket === 'high') return n <= 40 ? range(half, n, 2) : range(n - 20, n, 2);
  throw new RangeError(`bucket must be 'low', 'high' or a list of layer indices, got ${String(bucket)}`);
}

/** A distribution kept as exact float64 log-probabilities (-Infinity allowed) and probabilities. */
interface Distribution {
  logProbs: Float64Array;
  probs: Float64Array;
  /** logSumExp of the logits, kept so the contrast does not compute it again. */
  lse: number;
}

// A step's distributions and floored log-probabilities live only inside one exported call (results
// copy what they keep), so their storage is reused from call to call (numerics.ts says why).
// Slots: two per distribution, by its index among the call's distributions.
const distributionScratch = new Float64Scratch();
// Slots: the mature row, the premature row.
const contrastScratch = new Float64Scratch();
// dolaStep's scores and relative-top mask (its trace copies the numbers it keeps); dolaScores
// returns its scores, so they are fresh there.
const stepScoresScratch = new Float32Scratch();
const stepMaskScratch = new Uint8Scratch();

function distributionOf(logits: Float32Array, index: number): Distribution {
  const lse = logSumExp(logits);
  const logProbs = distributionScratch.get(logits.length, 2 * index);
  const probs = distributionScratch.get(logits.length, 2 * index + 1);
  for (let i = 0; i < logits.length; i++) {
    logProbs[i] = logits[i] - lse;
    probs[i] = Math.exp(logProbs[i]);
  }
  return { logProbs, probs, lse };
}

/**
 * Full distributions only where the whole vocabulary is read: the candidates and the mature layer,
 * indexed by layer; the other entries stay unset.
 */
function distributionsRead(layerLogits: readonly Float32Array[], candidateLayers: readonly number[], matureLayer: number): Distribution[] {
  const distributions: Distribution[] = [];
  [...candidateLayers, matureLayer].forEach((layer, i) => (distributions[layer] = distributionOf(layerLogits[layer], i)));
  return distributions;
}

/** float32 probabilities of `ids` alone, equal to distributionOf's at those ids (same double, then rounded). */
function probabilityAt(logits: Float32Array, ids: readonly number[]): number[] {
  const lse = logSumExp(logits);
  return ids.map((id) => Math.fround(Math.exp(logits[id] - lse)));
}

/** Smallest positive normal double: below it a mean of probabilities loses precision. */
const MIN_NORMAL = 2 ** -1022;

/** log((exp(a) + exp(b)) / 2) without underflow: the log of the mixture M = (P + Q) / 2. */
function logMean(a: number, b: number): number {
  const hi = Math.max(a, b);
  if (hi === -Infinity) return -Infinity;
  const lo = Math.min(a, b);
  return hi + Math.log1p(Math.exp(lo - hi)) - Math.LN2;
}

export interface LayerDivergence {
  /** The paper's Jensen-Shannon divergence KL(P||M)/2 + KL(Q||M)/2, in nats; always finite. */
  jsd: number;
  /**
   * The reference code's value (KL(M||P) + KL(M||Q)) / (2|V|): F.kl_div(log P, M) takes the KL
   * the other way round, and reduction 'none' followed by mean(-1) divides by the vocabulary.
   * Infinity when one side rules out a token the other does not.
   */
  reference: number;
}

function divergenceBetween(mature: Distribution, premature: Distribution): LayerDivergence {
  let jsd = 0;
  let klMP = 0;
  let klMQ = 0;
  const v = mature.probs.length;
  for (let i = 0; i < v; i++) {
    const lp = mature.logProbs[i];
    const lq = premature.logProbs[i];
    const p = mature.probs[i];
    const q = premature.probs[i];
    let m = 0.5 * (p + q);
    // One log where M is a normal double; in log space only where both sides underflow. Equal
    // sides give M exactly, so identical layers diverge by exactly 0.
    let lm: number;
    if (lp === lq) {
      lm = lp;
      m = p;
    } else if (m >= MIN_NORMAL) {
      lm = Math.log(m);
    } else {
      lm = logMean(lp, lq);
      m = Math.exp(lm);
    }
    if (lm === -Infinity) continue; // both sides rule the token out: it contributes nothing
    if (p > 0) jsd += 0.5 * p * (lp - lm);
    if (q > 0) jsd += 0.5 * q * (lq - lm);
    if (m > 0) {
      klMP += m * (lm - lp);
      klMQ += m * (lm - lq);
    }
  }
  // Rounding can push a true 0 a hair below; divergences are never negative.
  return { jsd: Math.max(0, jsd), reference: Math.max(0, (klMP + klMQ) / (2 * v)) };
}

/** Both divergences between a mature and a premature row of logits. */
export function layerDivergence(matureLogits: Float32Array, prematureLogits: Float32Array): LayerDivergence {
  checkRow(matureLogits, 'matureLogits');
  checkRow(prematureLogits, 'prematureLogits');
  if (matureLogits.length !== prematureLogits.length) {
    throw new RangeError(`layers must share one vocabulary, got ${matureLogits.length} and ${prematureLogits.length} logits`);
  }
  return divergenceBetween(distributionOf(matureLogits, 0), distributionOf(prematureLogits, 1));
}

/** Validates the rows and returns N, the index of the mature layer. */
function requireLayerLogits(layerLogits: readonly Float32Array[]): number {
  if (!Array.isArray(layerLogits) || layerLogits.length < 2) {
    throw new RangeError(
      `layerLogits must hold at least 2 rows (premature layers, then the mature layer), got ${Array.isArray(layerLogits) ? layerLogits.length : String(layerLogits)}`,
    );
  }
  const vocab = layerLogits[0].length;
  layerLogits.forEach((row, j) => {
    checkRow(row, `layerLogits[${j}]`);
    if (row.length !== vocab) throw new RangeError(`layerLogits[${j}] has ${row.length} logits, layer 0 has ${vocab}`);
  });
  return layerLogits.length - 1;
}

function requireCandidateLayers(candidateLayers: readonly number[], matureLayer: number): void {
  if (!Array.isArray(candidateLayers) || candidateLayers.length === 0) {
    throw new RangeError('candidateLayers must list at least 1 premature layer, got none');
  }
  for (const layer of candidateLayers) {
    requireInRange('candidate layer', layer, { min: 0, max: matureLayer - 1, integer: true });
  }
}

interface ResolvedDolaOptions {
  candidateLayers: number[];
  divergence: DolaDivergence;
  relativeTop: number;
}

function resolveOptions(
  options: { candidateLayers: number[]; divergence?: DolaDivergence; relativeTop?: number },
  matureLayer: number,
): ResolvedDolaOptions {
  requireCandidateLayers(options.candidateLayers, matureLayer);
  const divergence = options.divergence ?? DOLA_DEFAULTS.divergence;
  if (!DIVERGENCES.includes(divergence)) {
    throw new RangeError(`divergence must be one of ${DIVERGENCES.join(', ')}, got ${String(divergence)}`);
  }
  const relativeTop = requireInRange('relativeTop', options.relativeTop ?? DOLA_DEFAULTS.relativeTop, { min: 0, max: 1 });
  return { candidateLayers: [...options.candidateLayers], divergence, relativeTop };
}

/** Index into `layers` of the largest value; ties go to the earlier (lower-numbered) layer. */
function pickLargest(layers: readonly number[], values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < layers.length; i++) {
    if (values[i] > values[best] || (values[i] === values[best] && layers[i] < layers[best])) best = i;
  }
  return best;
}

interface LayerSelection {
  jsd: number[];
  reference: number[];
  /** Chosen index into candidateLayers under each divergence. */
  byJsd: number;
  byReference: number;
}

/** `distributions[j]`: layer j's distribution (the last the mature layer's); only those read are needed. */
function selectLayer(distributions: readonly Distribution[], candidateLayers: readonly number[]): LayerSelection {
  const mature = distributions[distributions.length - 1];
  const jsd: number[] = [];
  const reference: number[] = [];
  for (const layer of candidateLayers) {
    const d = divergenceBetween(mature, distributions[layer]);
    jsd.push(d.jsd);
    reference.push(d.reference);
  }
  return { jsd, reference, byJsd: pickLargest(candidateLayers, jsd), byReference: pickLargest(candidateLayers, reference) };
}

/**
 * DoLa's contrast: `log P(x) - log Q(x)` inside the relative-top head of the mature layer,
 * -Infinity outside. Not renormalised.
 *
 * The relative-top head `{ x : log P(x) >= max log P + log relativeTop }` is the same cut as
 * contrastive decoding's plausible head, applied to the mature layer; relativeTop = 0 disables it
 * (the reference code skips the filter when relative_top is 0). Outside the head the score is set
 * to -Infinity directly, never computed, so -Infinity never meets -Infinity. Inside it, a
 * premature log-probability of -Infinity gets the finite stand-in of `flooredLogProbs` (at most
 * log 2^-126), so the token gets a large but finite bonus instead of +Infinity.
 */
function contrastLayers(
  matureLogits: Float32Array,
  prematureLogits: Float32Array,
  relativeTop: number,
  lse: { mature: number; premature: number },
  into: { scores: Float32Array; mask?: Uint8Array } = { scores: new Float32Array(matureLogits.length) },
) {
  const head = plausibleHead(matureLogits, relativeTop, lse.mature, into.mask);
  const mature = flooredLogProbs(matureLogits, lse.mature, contrastScratch.get(matureLogits.length, 0));
  const premature = flooredLogProbs(prematureLogits, lse.premature, contrastScratch.get(prematureLogits.length, 1));
  const scores = into.scores.fill(-Infinity);
  for (let x = 0; x < matureLogits.length; x++) {
    // A token the mature layer rules out stays -Infinity even when relativeTop = 0 keeps it.
    if (!head.mask[x] || matureLogits[x] === -Infinity) continue;
    scores[x] = toFloat32Score(mature.logProbs[x] - premature.logProbs[x], `DoLa score of token ${x}`);
  }
  return { scores, head, prematureFloor: premature.floor };
}

/**
 * DoLa scores for the next token.
 *
 * `layerLogits[j]` = early-exit logits of hidden state j (j = 0..N), the last row the mature
 * layer. Among `candidateLayers` (each in 0..N-1) the premature layer is the one whose
 * distribution is farthest from the mature one under `divergence` ('jsd', the paper's, by default;
 * 'reference', the reference code's), ties to the earlier layer; `divergences[i]` belongs to
 * `candidateLayers[i]`. A single candidate is static DoLa. Scores: see contrastLayers.
 */
export function dolaScores(
  layerLogits: Float32Array[],
  options: { candidateLayers: number[]; divergence?: 'jsd' | 'reference'; relativeTop?: number },
): { scores: Float32Array; prematureLayer: number; divergences: number[] } {
  const matureLayer = requireLayerLogits(layerLogits);
  const opts = resolveOptions(options, matureLayer);
  const distributions = distributionsRead(layerLogits, opts.candidateLayers, matureLayer);
  const selection = selectLayer(distributions, opts.candidateLayers);
  const chosen = opts.divergence === 'jsd' ? selection.byJsd : selection.byReference;
  const prematureLayer = opts.candidateLayers[chosen];
  const { scores } = contrastLayers(layerLogits[matureLayer], layerLogits[prematureLayer], opts.relativeTop, {
    mature: distributions[matureLayer].lse,
    premature: distributions[prematureLayer].lse,
  });
  return { scores, prematureLayer, divergences: opts.divergence === 'jsd' ? selection.jsd : selection.reference };
}

export interface DolaStepOptions {
  candidateLayers: number[];
  divergence?: DolaDivergence;
  relativeTop?: number;
  /** Every token id so far (prompt included), for the repetition penalty. */
  contextIds?: readonly number[];
  /** theta > 0; 1 (default) is off, 1.2 is what DoLa recommends. */
  repetitionPenalty?: number;
  /** How many of the mature layer's top tokens the trace follows through every layer (default 10). */
  topN?: number;
  /** Most head tokens listed in the trace (default 100); `head.size` is always the true size. */
  maxHeadTokens?: number;
}

/** One head token as the trace lists it. */
export interface DolaCandidate {
  token: number;
  matureProb: number;
  prematureProb: number;
  /** log P - log Q before the repetition penalty. */
  contrast: number | null;
  /** After the repetition penalty: what the argmax sees. */
  score: number | null;
  penalized: boolean;
}

export interface DolaTrace {
  method: 'dola';
  /** N: index of the mature (final) layer; layers run 0..N. */
  matureLayer: number;
  vocabSize: number;
  params: { divergence: DolaDivergence; relativeTop: number; repetitionPenalty: number };
  /** 'static' when a single candidate layer is given. */
  mode: 'static' | 'dynamic';
  candidateLayers: number[];
  /** Both divergences of every candidate (null stands for Infinity), so a chart can show disagreement. */
  layerDivergences: { layer: number; jsd: number | null; reference: number | null }[];
  /** The selected divergence, aligned with candidateLayers. */
  divergences: (number | null)[];
  prematureLayer: number;
  /** The layer each divergence would pick; they can differ. */
  prematureLayerBy: { jsd: number; reference: number };
  divergencesDisagree: boolean;
  head: {
    size: number;
    thresholdProb: number;
    /** null when relativeTop = 0 (no cut). */
    thresholdLogProb: number | null;
    /** Head tokens by mature probability, at most maxHeadTokens. */
    tokens: number[];
    truncated: boolean;
  };
  /** The stand-in log-probability for premature -Infinity entries. */
  prematureLogProbFloor: number;
  /** The mature layer's top-N tokens, most probable first. */
  topTokens: number[];
  /** layerProbs[j][k] = probability of topTokens[k] at layer j, for j = 0..N (logit-lens heatmap). */
  layerProbs: number[][];
  /** Head tokens ranked by final score (ties: lower id first), at most maxHeadTokens. */
  candidates: DolaCandidate[];
  chosen: { token: number; score: number };
  /** What plain greedy decoding of the mature layer would pick. */
  greedyToken: number;
  differsFromGreedy: boolean;
}

export interface DolaStepResult {
  token: number;
  trace: DolaTrace;
}


/**
 * One DoLa step: contrast, then the repetition penalty, then argmax (ties to the lowest id),
 * with a trace holding the layer choice, the head and the per-layer probabilities of the top
 * tokens.
 */
export function dolaStep(layerLogits: Float32Array[], options: DolaStepOptions): DolaStepResult {
  const matureLayer = requireLayerLogits(layerLogits);
  const opts = resolveOptions(options, matureLayer);
  const vocabSize = layerLogits[0].length;
  const repetitionPenalty = requireInRange('repetitionPenalty', options.repetitionPenalty ?? DOLA_DEFAULTS.repetitionPenalty, {
    min: 0,
    minInclusive: false,
  });
  const contextIds = options.contextIds ?? [];
  requireTokenIds('contextIds', contextIds, vocabSize);
  const topN = requireInRange('topN', options.topN ?? 10, { min: 1, integer: true });
  const maxHeadTokens = requireInRange('maxHeadTokens', options.maxHeadTokens ?? 100, { min: 1, integer: true });

  // The other layers appear in the trace at the top tokens alone (probabilityAt).
  const distributions = distributionsRead(layerLogits, opts.candidateLayers, matureLayer);
  const selection = selectLayer(distributions, opts.candidateLayers);
  const chosenIndex = opts.divergence === 'jsd' ? selection.byJsd : selection.byReference;
  const prematureLayer = opts.candidateLayers[chosenIndex];
  const mature = layerLogits[matureLayer];
  const { scores: contrast, head, prematureFloor } = contrastLayers(
    mature,
    layerLogits[prematureLayer],
    opts.relativeTop,
    { mature: distributions[matureLayer].lse, premature: distributions[prematureLayer].lse },
    { scores: stepScoresScratch.get(vocabSize), mask: stepMaskScratch.get(vocabSize) },
  );
  // After the contrast, as in the reference and transformers: DoLa scores are often negative,
  // and the s < 0 ? s * theta : s / theta rule still pushes a repeated token down for theta > 1.
  // theta = 1 is the identity: the contrast itself, not a copy of it.
  const scores = repetitionPenalty === 1 ? contrast : applyRepetitionPenalty(contrast, contextIds, repetitionPenalty);
  const token = argmax(scores);
  const greedyToken = argmax(mature);

  // The same doubles rounded to float32, as the trace has always shown them.
  const matureProbs = distributions[matureLayer].probs;
  const prematureProbs = distributions[prematureLayer].probs;
  const topTokens = topKIndices(mature, topN);
  const penalizedIds = new Set(repetitionPenalty === 1 ? [] : contextIds);

  const trace: DolaTrace = {
    method: 'dola',
    matureLayer,
    vocabSize,
    params: { divergence: opts.divergence, relativeTop: opts.relativeTop, repetitionPenalty },
    mode: opts.candidateLayers.length === 1 ? 'static' : 'dynamic',
    candidateLayers: opts.candidateLayers,
    layerDivergences: opts.candidateLayers.map((layer, i) => ({
      layer,
      jsd: scoreForTrace(selection.jsd[i]),
      reference: scoreForTrace(selection.reference[i]),
    })),
    divergences: (opts.divergence === 'jsd' ? selection.jsd : selection.reference).map(scoreForTrace),
    prematureLayer,
    prematureLayerBy: {
      jsd: opts.candidateLayers[selection.byJsd],
      reference: opts.candidateLayers[selection.byReference],
    },
    divergencesDisagree: opts.candidateLayers[selection.byJsd] !== opts.candidateLayers[selection.byReference],
    head: {
      size: head.size,
      thresholdProb: head.thresholdProb,
      thresholdLogProb: scoreForTrace(head.thresholdLogProb),
      tokens: topIdsWithinMask(head.mask, mature, maxHeadTokens),
      truncated: head.size > maxHeadTokens,
    },
    prematureLogProbFloor: prematureFloor,
    topTokens,
    layerProbs: layerLogits.map((logits, j) =>
      distributions[j] ? topTokens.map((id) => Math.fround(distributions[j].probs[id])) : probabilityAt(logits, topTokens),
    ),
    candidates: topIdsWithinMask(head.mask, scores, maxHeadTokens).map((id) => ({
      token: id,
      matureProb: Math.fround(matureProbs[id]),
      prematureProb: Math.fround(prematureProbs[id]),
      contrast: scoreForTrace(contrast[id]),
      score: scoreForTrace(scores[id]),
      penalized: penalizedIds.has(id) && scores[id] !== -Infinity,
    })),
    chosen: { token, score: scores[token] },
    greedyToken,
    differsFromGreedy: token !== greedyToken,
  };
  return { token, trace };
}
