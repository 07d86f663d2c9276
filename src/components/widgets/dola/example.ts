/**
 * This folder's precomputed default examples (see ../examples.ts): one session per divergence,
 * 10 steps, where the JSD session's text ends at end-of-sequence (" Warsaw." and a quotation).
 */
import type { ExampleDefinition } from '../shared/precomputed';
import { DEFAULT_PARAMS, dolaSpec } from './params';

export const DOLA_STEPS = 10;

export const DOLA_EXAMPLES: ExampleDefinition[] = [
  { id: 'dola-jsd', spec: dolaSpec(DEFAULT_PARAMS, 'jsd'), steps: DOLA_STEPS },
  {
    id: 'dola-reference',
    spec: dolaSpec(DEFAULT_PARAMS, 'reference'),
    steps: DOLA_STEPS,
  },
];
