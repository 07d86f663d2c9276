/** The live sampler's precomputed default: the default parameters, 12 steps. */
import type { ExampleDefinition } from '../shared/precomputed';
import { DEFAULT_PARAMS, samplerSpec } from './params';

export const LIVE_SAMPLER_EXAMPLE: ExampleDefinition = { id: 'live-sampler', spec: samplerSpec(DEFAULT_PARAMS), steps: 12 };
