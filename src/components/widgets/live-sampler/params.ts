/** The live sampler's parameters, as sliders and in the URL (prefix "sample"). */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';

export const PREFIX = 'sample';
export const DEFAULT_PROMPT = 'The old man looked at the sea and said that';

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: DEFAULT_PROMPT },
  temperature: { kind: 'number', label: 'Temperature', min: 0, max: 2, default: 1, step: 0.05, hint: '0 is greedy.' },
  topK: { kind: 'number', label: 'Top-k', min: 0, max: 200, default: 0, integer: true, hint: '0 keeps every token.' },
  topP: { kind: 'number', label: 'Top-p', min: 0, max: 1, default: 1, step: 0.01, hint: '1 keeps every token.' },
  minP: { kind: 'number', label: 'Min-p', min: 0, max: 1, default: 0, step: 0.01, hint: '0 keeps every token.' },
  typical: { kind: 'number', label: 'Typical mass', min: 0.01, max: 1, default: 1, step: 0.01, hint: '1 keeps every token.' },
  repetitionPenalty: { kind: 'number', label: 'Repetition penalty', min: 1, max: 3, default: 1, step: 0.05, hint: '1 is off.' },
  seed: { kind: 'number', label: 'Seed', min: 0, max: 999_999, default: 0, integer: true },
} satisfies ParamSchema;

export type SamplerParams = ParamValues<typeof SCHEMA>;

/** Rows of the trace's top lists shown in the chart and table. */
export const TOP_N = 12;

export function samplerSpec(p: SamplerParams): SessionSpec {
  return {
    method: 'sampling',
    model: 'expert',
    prompt: p.prompt,
    sampling: {
      temperature: p.temperature,
      topK: p.topK,
      topP: p.topP,
      minP: p.minP,
      typical: p.typical,
      repetitionPenalty: p.repetitionPenalty,
    },
    seed: p.seed,
    topN: TOP_N,
  };
}

export const DEFAULT_PARAMS: SamplerParams = defaultValues(SCHEMA);
