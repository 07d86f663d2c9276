/**
 * The sampling pipeline: options in, an ordered list of processors out, applied one after the
 * other with a record per stage.
 *
 * Order (ALGORITHMS.md section 1, the order of Hugging Face transformers):
 *   repetition penalty -> no-repeat n-gram -> temperature -> top-k -> top-p -> min-p -> typical.
 * Penalties act on raw scores; the filters that follow temperature see temperature-scaled
 * probabilities, so temperature changes what top-p, min-p and typical keep (top-k only ranks).
 */
import { checkRow, type LogitsProcessor, type StageRecord } from './common';
import { requireSamplingOption } from './domains';
import { MinPProcessor, TemperatureProcessor, TopKProcessor, TopPProcessor, TypicalProcessor } from './filters';
import { NoRepeatNgramProcessor, RepetitionPenaltyProcessor } from './penalties';

export interface SamplingOptions {
  /** >= 0; default 1. 0 means greedy: the argmax of the penalised scores (see `buildProcessors`). */
  temperature?: number;
  /** Integer >= 0; default 0 (off). */
  topK?: number;
  /** [0, 1]; default 1 (off). 0 keeps only `minTokensToKeep` tokens. */
  topP?: number;
  /** [0, 1]; default 0 (off). */
  minP?: number;
  /** Typical mass in (0, 1]; default 1 (off). */
  typical?: number;
  /** > 0; default 1 (off). */
  repetitionPenalty?: number;
  /** Integer >= 0; default 0 (off). */
  noRepeatNgramSize?: number;
  /** Integer >= 1; default 1. Every filter keeps at least this many tokens. */
  minTokensToKeep?: number;
}

export type ResolvedSamplingOptions = Required<SamplingOptions>;

/** The defaults: plain sampling at temperature 1, every filter and penalty off. */
export const DEFAULT_SAMPLING_OPTIONS: Readonly<ResolvedSamplingOptions> = Object.freeze({
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: 0,
  typical: 1,
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  minTokensToKeep: 1,
});

const OPTION_NAMES = Object.keys(DEFAULT_SAMPLING_OPTIONS) as (keyof SamplingOptions)[];

/**
 * Fills in defaults (for missing or undefined entries) and validates every value; an unknown key
 * throws rather than being ignored (a `top_p` typo must not silently sample without top-p).
 */
export function resolveSamplingOptions(options: SamplingOptions = {}): ResolvedSamplingOptions {
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as string[]).includes(key)) {
      throw new RangeError(`unknown sampling option "${key}"; known options: ${OPTION_NAMES.join(', ')}`);
    }
  }
  const pick = <K extends keyof SamplingOptions>(key: K): number => options[key] ?? DEFAULT_SAMPLING_OPTIONS[key];
  const resolved = {} as ResolvedSamplingOptions;
  for (const key of OPTION_NAMES) resolved[key] = requireSamplingOption(key, pick(key));
  return resolved;
}

/** Whether these options decode greedily (temperature 0). */
export function isGreedy(options: SamplingOptions = {}): boolean {
  return resolveSamplingOptions(options).temperature === 0;
}

/**
 * The processors the options switch on, in pipeline order; identity settings (temperature 1,
 * penalty 1, k = 0, p = 1, minP = 0, typical = 1, n = 0) build nothing.
 *
 * Temperature 0 builds the penalties only: the caller takes the argmax of their result. That is
 * the T -> 0+ limit of sampling with the same options, not an omission: as T -> 0 the distribution
 * becomes a point mass on the argmax, which top-k, top-p, min-p and typical all keep
 * (typical too: its entropy is 0 and so is the argmax's surprisal).
 */
export function buildProcessors(options: SamplingOptions = {}): LogitsProcessor[] {
  const o = resolveSamplingOptions(options);
  const list: LogitsProcessor[] = [];
  if (o.repetitionPenalty !== 1) list.push(new RepetitionPenaltyProcessor(o.repetitionPenalty));
  if (o.noRepeatNgramSize !== 0) list.push(new NoRepeatNgramProcessor(o.noRepeatNgramSize, o.minTokensToKeep));
  if (o.temperature === 0) return list;
  if (o.temperature !== 1) list.push(new TemperatureProcessor(o.temperature));
  if (o.topK !== 0) list.push(new TopKProcessor(o.topK, o.minTokensToKeep));
  if (o.topP !== 1) list.push(new TopPProcessor(o.topP, o.minTokensToKeep));
  if (o.minP !== 0) list.push(new MinPProcessor(o.minP, o.minTokensToKeep));
  if (o.typical !== 1) list.push(new TypicalProcessor(o.typical, o.minTokensToKeep));
  return list;
}

export interface PipelineResult {
  /** The processed logits (a new array, even when no processor ran). */
  logits: Float32Array;
  /** One record per processor, in the order they ran. */
  stages: StageRecord[];
}

/** Runs `processors` in order on `logits`, recording what each kept; the result is always a new array. */
export function applyProcessors(
  logits: Float32Array,
  contextIds: readonly number[],
  processors: readonly LogitsProcessor[],
): PipelineResult {
  checkRow(logits);
  // Processors never write into their input, so the row itself is read, not a copy of it; only a
  // pipeline that handed the row back unchanged copies it at the end.
  let current: Float32Array = logits;
  const stages: StageRecord[] = [];
  for (const processor of processors) {
    const { logits: next, record } = processor.run(contextIds, current);
    stages.push(record);
    current = next;
  }
  return { logits: current === logits ? logits.slice() : current, stages };
}

/** `applyProcessors(logits, contextIds, buildProcessors(options))`. */
export function processLogits(logits: Float32Array, contextIds: readonly number[], options: SamplingOptions = {}): PipelineResult {
  return applyProcessors(logits, contextIds, buildProcessors(options));
}
