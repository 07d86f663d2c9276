/**
 * The values each sampling option accepts, written once. The processors' constructors and plain
 * functions, the pipeline's option check and beam search's penalties all validate against this
 * table, so a range can never differ between two places that take the same option.
 */
import { requireInRange, type Range } from '../validate';

export const SAMPLING_DOMAINS = {
  /** 0 is allowed here because the pipeline reads it as greedy; the temperature processor itself divides, so it needs > 0. */
  temperature: { min: 0 },
  topK: { min: 0, integer: true },
  topP: { min: 0, max: 1 },
  minP: { min: 0, max: 1 },
  typical: { min: 0, minInclusive: false, max: 1 },
  repetitionPenalty: { min: 0, minInclusive: false },
  noRepeatNgramSize: { min: 0, integer: true },
  minTokensToKeep: { min: 1, integer: true },
} as const satisfies Record<string, Range>;

export type SamplingOptionName = keyof typeof SAMPLING_DOMAINS;

/** Throws a RangeError naming the option unless `value` lies in its domain; returns it otherwise. */
export function requireSamplingOption(name: SamplingOptionName, value: unknown): number {
  return requireInRange(name, value, SAMPLING_DOMAINS[name]);
}
