/**
 * Logits processors (ALGORITHMS.md section 1): penalties, temperature and the truncation filters,
 * each as a plain function and as a validated class with one contract
 * `process(contextIds, logits) -> new logits`, plus the pipeline that applies them in order.
 * The code lives in ./processors/; this module is the public entry point.
 */
export {
  checkRow,
  softmax64,
  type LogitsProcessor,
  type ProcessorName,
  type StageRecord,
  type StageResult,
} from './processors/common';
export {
  MinPProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
  TypicalProcessor,
  minP,
  requireTemperature,
  temperature,
  topK,
  topP,
  typical,
} from './processors/filters';
export {
  NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor,
  bannedNgramTokens,
  noRepeatNgram,
  repetitionPenalty,
} from './processors/penalties';
export {
  DEFAULT_SAMPLING_OPTIONS,
  applyProcessors,
  buildProcessors,
  isGreedy,
  processLogits,
  resolveSamplingOptions,
  type PipelineResult,
  type ResolvedSamplingOptions,
  type SamplingOptions,
} from './processors/pipeline';
