import type { ProbabilityBar } from '../../../lib/charts/probabilityBars';
import { finalDistribution, softmax } from '../../../lib/decoding';
import { visibleWhitespace } from '../../../lib/site/tokenText';
import { exampleTokens } from './fixed-logits';

export interface ExploreSettings {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
}

export type ExploreResult =
  | { ok: true; before: Float32Array; after: Float32Array; kept: number; greedy: boolean }
  | { ok: false; message: string };

/**
 * The distribution the figure draws: the raw softmax, and the decoding core's final
 * distribution under these settings (temperature, then top-k, top-p and min-p, in the
 * documented order; temperature 0 is greedy).
 */
export function explore(logits: Float32Array, settings: ExploreSettings): ExploreResult {
  try {
    const before = softmax(logits);
    const after = finalDistribution(logits, [], { ...settings });
    const kept = after.reduce((n, p) => n + (p > 0 ? 1 : 0), 0);
    return { ok: true, before, after, kept, greedy: settings.temperature === 0 };
  } catch (error) {
    return { ok: false, message: `These settings cannot be applied: ${(error as Error).message}` };
  }
}

/** The chart's bars: each example token's probability before and after. */
export function barsOf(result: Extract<ExploreResult, { ok: true }>): ProbabilityBar[] {
  return exampleTokens.map((token, i) => ({ label: visibleWhitespace(token), before: result.before[i], after: result.after[i] }));
}

/** What the chart says it shows. */
export const CHART_LABEL = 'Probability of each candidate token, bars after the settings, ticks before';
