/**
 * The default example of every live widget, precomputed by `npm run precompute` into
 * precomputed/<id>.json so that each widget shows real model output before its models load.
 * Each widget folder defines its own; this list gathers them.
 */
import { LIVE_SAMPLER_EXAMPLE } from './live-sampler/example';
import type { ExampleDefinition } from './shared/precomputed';

export const EXAMPLES: ExampleDefinition[] = [LIVE_SAMPLER_EXAMPLE];
