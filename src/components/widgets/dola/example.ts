/** This folder's precomputed default examples (see ../examples.ts): one session per divergence, 12 steps. */
import type { ExampleDefinition } from '../shared/precomputed';
import { DEFAULT_PARAMS, dolaSpec } from './params';

export const DOLA_STEPS = 12;

export const DOLA_EXAMPLES: ExampleDefinition[] = [
  { id: 'dola-jsd', spec: dolaSpec(DEFAULT_PARAMS, 'jsd'), steps: DOLA_STEPS },
  {
    id: 'dola-reference',
    spec: dolaSpec(DEFAULT_PARAMS, 'reference'),
    steps: DOLA_STEPS,
  },
];
