/** This folder's precomputed default examples (see ../examples.ts). */
import type { ExampleDefinition } from '../shared/precomputed';
import { DEFAULT_PARAMS, speculativeSpec } from './params';

/** The widget's default view: gamma 4, temperature 1, six rounds. */
export const SPECULATIVE_DEFAULT_EXAMPLE: ExampleDefinition = {
  id: 'speculative-default',
  spec: speculativeSpec(DEFAULT_PARAMS),
  steps: 6,
};

export const SPECULATIVE_EXAMPLES: ExampleDefinition[] = [SPECULATIVE_DEFAULT_EXAMPLE];
