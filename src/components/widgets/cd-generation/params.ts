/**
 * The long-generation comparison's parameters, in the URL under prefix "cdgen": one prompt
 * continued by greedy decoding, nucleus sampling (p = 0.95) and contrastive decoding.
 */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { BUNDLED_PAIR, type ModelPair } from '../../../lib/runtime/registry';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';
import { PAIR_PARAM } from '../shared/model-pair';
import type { ExampleDefinition } from '../shared/precomputed';
import { AMATEUR_CONTEXTS, AMATEURS, contrastiveSpec, VARIANTS } from '../contrastive-decoding/params';

export const PREFIX = 'cdgen';
export const DEFAULT_PROMPT = 'Once upon a time, in a small village,';
/** Holtzman et al.'s nucleus, as in the CD paper's baseline. */
export const NUCLEUS_P = 0.95;

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: DEFAULT_PROMPT },
  length: { kind: 'number', label: 'Tokens to generate', min: 8, max: 128, default: 96, integer: true, step: 8, hint: 'Play runs every method to this length.' },
  /** 2: with the bundled expert, seed 0 and 1 end the sampled text within 32 tokens, which hides the comparison. */
  seed: { kind: 'number', label: 'Nucleus seed', min: 0, max: 99, default: 2, integer: true },
  variant: { kind: 'choice', label: 'CD variant', values: VARIANTS, default: 'li2022' as const },
  alpha: { kind: 'number', label: 'Alpha', min: 0, max: 1, default: 0.1, step: 0.01 },
  tau: { kind: 'number', label: 'Amateur temperature tau', min: 0.1, max: 2, default: 0.5, step: 0.05 },
  beta: { kind: 'number', label: 'Beta', min: 0, max: 2, default: 0.5, step: 0.05 },
  amateur: { kind: 'choice', label: 'Amateur', values: AMATEURS, default: 'amateur' as const },
  context: { kind: 'choice', label: 'Amateur context', values: AMATEUR_CONTEXTS, default: 'ignorePrefix' as const },
  pair: PAIR_PARAM,
} satisfies ParamSchema;

export type GenerationParams = ParamValues<typeof SCHEMA>;

export const DEFAULT_PARAMS: GenerationParams = defaultValues(SCHEMA);

export type MethodKey = 'greedy' | 'nucleus' | 'cd';
/** `short` names the method on the chart, where a long name would be cut at phone width. */
export const METHODS: readonly { key: MethodKey; label: string; short: string }[] = [
  { key: 'greedy', label: 'Greedy', short: 'Greedy' },
  { key: 'nucleus', label: `Nucleus (p = ${NUCLEUS_P})`, short: 'Nucleus' },
  { key: 'cd', label: 'Contrastive decoding', short: 'CD' },
];

/** The traces are not drawn here, only the tokens, so each keeps the shortest top list. */
const TOP_N = 1;

/**
 * The session spec of each method on the pair's large model (CD against its amateur, built as the
 * step-by-step figure builds it); the length is not part of a spec (it is how far to run).
 */
export function generationSpecs(p: GenerationParams, pair: ModelPair = BUNDLED_PAIR): Record<MethodKey, SessionSpec> {
  return {
    greedy: { method: 'sampling', model: pair.large, prompt: p.prompt, sampling: { temperature: 0 }, topN: TOP_N },
    nucleus: { method: 'sampling', model: pair.large, prompt: p.prompt, sampling: { temperature: 1, topP: NUCLEUS_P }, seed: p.seed, topN: TOP_N },
    cd: { ...contrastiveSpec(p, pair), topN: TOP_N },
  };
}

/** First paint: 16 tokens of each method (the live widget then runs on to the full length). */
export const PRECOMPUTED_STEPS = 16;
const defaults = generationSpecs(DEFAULT_PARAMS);
export const GENERATION_EXAMPLES: ExampleDefinition[] = METHODS.map(({ key }) => ({
  id: `cd-generation-${key}`,
  spec: defaults[key],
  steps: PRECOMPUTED_STEPS,
}));
