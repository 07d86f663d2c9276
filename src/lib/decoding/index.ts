/**
 * The decoding core's public API: pure functions on Float32Array rows of logits or
 * probabilities, no DOM, no model runtime, no input ever modified. Each method follows
 * ../shared/ALGORITHMS.md; step functions return a JSON-clean trace beside their decision.
 */

export {
  argmax,
  argsortDescending,
  entropy,
  jsd,
  kl,
  log,
  logSoftmax,
  logSumExp,
  normalize,
  softmax,
  topKIndices,
  totalVariation,
} from './numerics';
export { createRandom, sampleIndex, SeededRandom, type Random, type RandomState } from './prng';
export { describeRange, requireInRange, requireTokenIds, type Range } from './validate';
export { scoreForTrace, tokenScores, type TokenScore } from './trace';

export {
  DEFAULT_SAMPLING_OPTIONS,
  MinPProcessor,
  NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
  TypicalProcessor,
  applyProcessors,
  bannedNgramTokens,
  buildProcessors,
  isGreedy,
  minP,
  noRepeatNgram,
  processLogits,
  repetitionPenalty,
  resolveSamplingOptions,
  temperature,
  topK,
  topP,
  typical,
  type LogitsProcessor,
  type PipelineResult,
  type ProcessorName,
  type ResolvedSamplingOptions,
  type SamplingOptions,
  type StageRecord,
  type StageResult,
} from './processors';

export {
  finalDistribution,
  greedyStep,
  sampleStep,
  type SamplingTrace,
  type StepResult,
  type TraceOptions,
} from './sampling';

export {
  beamSearchStep,
  bestHypothesis,
  initBeamSearch,
  lengthPenalizedScore,
  runBeamSearch,
  type BeamCandidate,
  type BeamDoneReason,
  type BeamHypothesis,
  type BeamNode,
  type BeamSearchOptions,
  type BeamSearchRun,
  type BeamSearchState,
  type BeamStepResult,
  type BeamStepTrace,
  type FinishReason,
  type RunningBeam,
} from './beam';

export {
  CONTRASTIVE_DEFAULTS,
  amateurContextIds,
  contrastiveScores,
  contrastiveStep,
  plausibleHead,
  type AmateurContext,
  type ContrastiveCandidate,
  type ContrastiveOptions,
  type ContrastiveStepOptions,
  type ContrastiveStepResult,
  type ContrastiveTrace,
  type ContrastiveVariant,
  type PlausibleHead,
} from './contrastive';

export {
  DOLA_DEFAULTS,
  dolaCandidateLayers,
  dolaScores,
  dolaStep,
  layerDivergence,
  type DolaBucket,
  type DolaCandidate,
  type DolaDivergence,
  type DolaStepOptions,
  type DolaStepResult,
  type DolaTrace,
  type LayerDivergence,
} from './dola';

export {
  acceptanceRate,
  estimateAlpha,
  expectedSpeedup,
  expectedTokensPerRound,
  residualDistribution,
  speculativeRound,
  speculativeRoundGreedy,
  speculativeVerify,
  speculativeVerifyGreedy,
  type DraftVerdict,
  type ResidualDistribution,
  type SpeculativeDraftStep,
  type SpeculativeEndOptions,
  type SpeculativeGreedyStep,
  type SpeculativeGreedyTrace,
  type SpeculativeResult,
  type SpeculativeRoundOptions,
  type SpeculativeRoundResult,
  type SpeculativeTrace,
} from './speculative';
