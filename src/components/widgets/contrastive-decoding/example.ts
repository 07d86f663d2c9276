/** This folder's precomputed default examples (see ../examples.ts). */
import { GENERATION_EXAMPLES } from '../cd-generation/params';
import type { ExampleDefinition } from '../shared/precomputed';
import { contrastiveSpec, DEFAULT_PARAMS } from './params';

export const CONTRASTIVE_STEP_EXAMPLE: ExampleDefinition = { id: 'contrastive-step', spec: contrastiveSpec(DEFAULT_PARAMS), steps: 12 };

export const CONTRASTIVE_EXAMPLES: ExampleDefinition[] = [CONTRASTIVE_STEP_EXAMPLE, ...GENERATION_EXAMPLES];
