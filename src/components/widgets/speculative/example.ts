/** This folder's precomputed default examples (see ../examples.ts). */
import type { ExampleDefinition } from '../shared/precomputed';

export const SPECULATIVE_EXAMPLES: ExampleDefinition[] = [];
