/** This folder's precomputed default example (see ../examples.ts): the default search to its end. */
import type { ExampleDefinition } from '../shared/precomputed';
import { beamSpec, DEFAULT_PARAMS } from './params';

export const BEAM_EXAMPLES: ExampleDefinition[] = [
  { id: 'beam-tree', spec: beamSpec(DEFAULT_PARAMS), steps: DEFAULT_PARAMS.maxNewTokens },
];
