/** The speculative-sampling widget's parameters, as sliders and in the URL (prefix "spec"). */
import type { SessionSpec, SpeculativeSpec } from '../../../lib/runtime/protocol';
import { BUNDLED_PAIR, type ModelPair } from '../../../lib/runtime/registry';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';
import { PAIR_PARAM } from '../shared/model-pair';

export const PREFIX = 'spec';
export const DEFAULT_PROMPT = 'The old man looked at the sea and said that';

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: DEFAULT_PROMPT },
  gamma: { kind: 'number', label: 'Gamma (K)', min: 0, max: 8, default: 4, integer: true, hint: 'Draft tokens per round; 0 is plain sampling from the target.' },
  temperature: { kind: 'number', label: 'Temperature', min: 0, max: 2, default: 1, step: 0.05, hint: 'Applied to both models; 0 runs the greedy variant.' },
  seed: { kind: 'number', label: 'Seed', min: 0, max: 999_999, default: 0, integer: true },
  rounds: { kind: 'number', label: 'Rounds', min: 10, max: 500, default: 200, integer: true, hint: 'More rounds, smaller noise (and a longer run).' },
  pair: PAIR_PARAM,
} satisfies ParamSchema;

export type SpeculativeParams = ParamValues<typeof SCHEMA>;

/** Candidates of the residual / bonus distribution listed per round (kept small for the JSON). */
export const TOP_N = 10;

/**
 * The stepping session: one step = one round of draft proposals and one verification pass. Target
 * p is the pair's large model, draft q its small one (one tokenizer): on the bundled pair the
 * 8-layer expert and the 1-layer amateur.
 */
export function speculativeSpec(p: SpeculativeParams, pair: ModelPair = BUNDLED_PAIR): SpeculativeSpec {
  return {
    method: 'speculative',
    target: pair.large,
    draft: pair.small,
    prompt: p.prompt,
    gamma: p.gamma,
    sampling: { temperature: p.temperature },
    seed: p.seed,
    topN: TOP_N,
  };
}

/**
 * Target-only sampling with the same prompt and temperature: its first step's trace lists the
 * target's processed distribution p over the whole vocabulary (topN = vocabulary size), and its
 * runs are the baseline the speed-up is measured against.
 */
export function targetSpec(p: SpeculativeParams, topN: number, pair: ModelPair = BUNDLED_PAIR): SessionSpec {
  return { method: 'sampling', model: pair.large, prompt: p.prompt, sampling: { temperature: p.temperature }, seed: p.seed, topN };
}

export const DEFAULT_PARAMS: SpeculativeParams = defaultValues(SCHEMA);
