/** The playground's parameters (URL prefix "play") and the session each method runs. */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import type { ParamSchema, ParamValues } from '../../../lib/site/url-state';

export const PREFIX = 'play';

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: 'In the morning the people of the town went down to the river and' },
  temperature: { kind: 'number', label: 'Temperature (sampled methods)', min: 0, max: 2, default: 1 },
  topP: { kind: 'number', label: 'Top-p (nucleus)', min: 0, max: 1, default: 0.95 },
  numBeams: { kind: 'number', label: 'Beams', min: 1, max: 8, default: 4, integer: true },
  alpha: { kind: 'number', label: 'Contrastive alpha', min: 0, max: 1, default: 0.1 },
  gamma: { kind: 'number', label: 'Speculative gamma', min: 0, max: 8, default: 4, integer: true },
  seed: { kind: 'number', label: 'Seed', min: 0, max: 999_999, default: 0, integer: true },
} satisfies ParamSchema;

export type PlaygroundParams = ParamValues<typeof SCHEMA>;

export const DEFAULT_PARAMS: PlaygroundParams = Object.fromEntries(
  Object.entries(SCHEMA).map(([key, spec]) => [key, spec.default]),
) as PlaygroundParams;

const TOP_N = 5;
/** Beam search needs its length up front; the other methods step freely. */
const BEAM_NEW_TOKENS = 48;

export interface PlaygroundMethod {
  id: string;
  label: string;
  describe: (p: PlaygroundParams) => string;
  spec: (p: PlaygroundParams) => SessionSpec;
}

export const METHODS: PlaygroundMethod[] = [
  {
    id: 'greedy',
    label: 'Greedy',
    describe: () => 'the most likely token',
    spec: (p) => ({ method: 'sampling', model: 'expert', prompt: p.prompt, sampling: { temperature: 0 }, topN: TOP_N }),
  },
  {
    id: 'nucleus',
    label: 'Nucleus sampling',
    describe: (p) => `top-p ${p.topP}, temperature ${p.temperature}`,
    spec: (p) => ({
      method: 'sampling',
      model: 'expert',
      prompt: p.prompt,
      sampling: { temperature: p.temperature, topP: p.topP },
      seed: p.seed,
      topN: TOP_N,
    }),
  },
  {
    id: 'beam',
    label: 'Beam search',
    describe: (p) => `${p.numBeams} beams, best hypothesis so far`,
    spec: (p) => ({ method: 'beam', model: 'expert', prompt: p.prompt, numBeams: p.numBeams, maxNewTokens: BEAM_NEW_TOKENS }),
  },
  {
    id: 'contrastive',
    label: 'Contrastive decoding',
    describe: (p) => `Li et al., alpha ${p.alpha}, amateur = small model`,
    spec: (p) => ({
      method: 'contrastive',
      expert: 'expert',
      amateur: 'amateur',
      prompt: p.prompt,
      contrastive: { variant: 'li2022', alpha: p.alpha },
      topN: TOP_N,
    }),
  },
  {
    id: 'dola',
    label: 'DoLa',
    describe: () => 'high layer bucket, JSD, repetition penalty 1.2',
    spec: (p) => ({ method: 'dola', model: 'expert', prompt: p.prompt, layers: 'high', divergence: 'jsd', repetitionPenalty: 1.2, topN: TOP_N }),
  },
  {
    id: 'speculative',
    label: 'Speculative sampling',
    describe: (p) => `gamma ${p.gamma}, temperature ${p.temperature}; same distribution as sampling the expert`,
    spec: (p) => ({
      method: 'speculative',
      target: 'expert',
      draft: 'amateur',
      prompt: p.prompt,
      gamma: p.gamma,
      sampling: { temperature: p.temperature },
      seed: p.seed,
      topN: TOP_N,
    }),
  },
];
