/** The playground's parameters (URL prefix "play") and the session each method runs. */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { BUNDLED_PAIR, type ModelPair } from '../../../lib/runtime/registry';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';
import { PAIR_PARAM } from '../shared/model-pair';

export const PREFIX = 'play';

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: 'In the morning the people of the town went down to the river and' },
  temperature: { kind: 'number', label: 'Temperature (sampled methods)', min: 0, max: 2, default: 1, step: 0.05, hint: 'Nucleus and speculative sampling.' },
  topP: { kind: 'number', label: 'Top-p (nucleus)', min: 0, max: 1, default: 0.95, step: 0.01, hint: 'Nucleus sampling.' },
  numBeams: { kind: 'number', label: 'Beams', min: 1, max: 8, default: 4, integer: true },
  alpha: { kind: 'number', label: 'Contrastive alpha', min: 0, max: 1, default: 0.1, step: 0.01, hint: "Contrastive decoding's plausibility cut." },
  gamma: { kind: 'number', label: 'Speculative gamma', min: 0, max: 8, default: 4, integer: true, hint: 'Draft tokens per speculative round.' },
  // 0 to 99, as on the playground's slider (a URL value beyond it could not be shown there).
  seed: { kind: 'number', label: 'Seed', min: 0, max: 99, default: 0, integer: true, hint: "The sampled methods' random numbers." },
  pair: PAIR_PARAM,
} satisfies ParamSchema;

export type PlaygroundParams = ParamValues<typeof SCHEMA>;

export const DEFAULT_PARAMS: PlaygroundParams = defaultValues(SCHEMA);

const TOP_N = 5;
/** Beam search needs its length up front; the other methods step freely. */
const BEAM_NEW_TOKENS = 48;

export interface PlaygroundMethod {
  id: string;
  label: string;
  describe: (p: PlaygroundParams, pair: ModelPair) => string;
  /** The session for these parameters on this pair (large = expert/target, small = amateur/draft). */
  spec: (p: PlaygroundParams, pair: ModelPair) => SessionSpec;
}

export const METHODS: PlaygroundMethod[] = [
  {
    id: 'greedy',
    label: 'Greedy',
    describe: () => 'the most likely token',
    spec: (p, pair) => ({ method: 'sampling', model: pair.large, prompt: p.prompt, sampling: { temperature: 0 }, topN: TOP_N }),
  },
  {
    id: 'nucleus',
    label: 'Nucleus sampling',
    describe: (p) => `top-p ${p.topP}, temperature ${p.temperature}`,
    spec: (p, pair) => ({
      method: 'sampling',
      model: pair.large,
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
    spec: (p, pair) => ({ method: 'beam', model: pair.large, prompt: p.prompt, numBeams: p.numBeams, maxNewTokens: BEAM_NEW_TOKENS }),
  },
  {
    id: 'contrastive',
    label: 'Contrastive decoding',
    describe: (p) => `Li et al., alpha ${p.alpha}, amateur = small model`,
    spec: (p, pair) => ({
      method: 'contrastive',
      expert: pair.large,
      amateur: pair.small,
      prompt: p.prompt,
      contrastive: { variant: 'li2022', alpha: p.alpha },
      topN: TOP_N,
    }),
  },
  {
    id: 'dola',
    label: 'DoLa',
    // Hub exports have no early-exit logits: the worker's layer lens adds them to the large model's graph.
    describe: (_p, pair) =>
      `high layer bucket, JSD, repetition penalty 1.2${pair.id === BUNDLED_PAIR.id ? '' : '; early exits added in this browser by the layer lens'}`,
    spec: (p, pair) => ({ method: 'dola', model: pair.large, prompt: p.prompt, layers: 'high', divergence: 'jsd', repetitionPenalty: 1.2, topN: TOP_N }),
  },
  {
    id: 'speculative',
    label: 'Speculative sampling',
    describe: (p) => `gamma ${p.gamma}, temperature ${p.temperature}; same distribution as sampling the expert`,
    spec: (p, pair) => ({
      method: 'speculative',
      target: pair.large,
      draft: pair.small,
      prompt: p.prompt,
      gamma: p.gamma,
      sampling: { temperature: p.temperature },
      seed: p.seed,
      topN: TOP_N,
    }),
  },
];
