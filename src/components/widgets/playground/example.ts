/** The playground's precomputed default: every method, 8 steps, default parameters. */
import type { ExampleDefinition } from '../shared/precomputed';
import { BUNDLED_PAIR } from '../../../lib/runtime/registry';
import { DEFAULT_PARAMS, METHODS } from './params';

export const PLAYGROUND_EXAMPLES: ExampleDefinition[] = METHODS.map((method) => ({
  id: `playground-${method.id}`,
  spec: method.spec(DEFAULT_PARAMS, BUNDLED_PAIR),
  steps: 8,
}));
