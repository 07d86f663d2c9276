/**
 * The default example of every live widget, precomputed by `npm run precompute` into
 * precomputed/<id>.json so that each widget shows real model output before its models load.
 * Each widget folder defines its own; this list gathers them.
 */
import { BEAM_EXAMPLES } from './beam-tree/example';
import { CONTRASTIVE_EXAMPLES } from './contrastive-decoding/example';
import { DOLA_EXAMPLES } from './dola/example';
import { LIVE_SAMPLER_EXAMPLE } from './live-sampler/example';
import { PLAYGROUND_EXAMPLES } from './playground/example';
import type { ExampleDefinition } from './shared/precomputed';
import { SPECULATIVE_EXAMPLES } from './speculative-sampler/example';

export const EXAMPLES: ExampleDefinition[] = [
  LIVE_SAMPLER_EXAMPLE,
  ...BEAM_EXAMPLES,
  ...CONTRASTIVE_EXAMPLES,
  ...DOLA_EXAMPLES,
  ...SPECULATIVE_EXAMPLES,
  ...PLAYGROUND_EXAMPLES,
];
