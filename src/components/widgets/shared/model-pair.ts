/** The URL parameter that records which model pair a figure runs (its consent state is not kept). */
import { DEFAULT_PAIR, PAIRS } from '../../../lib/runtime/registry';

export const PAIR_PARAM = {
  kind: 'choice',
  label: 'Models',
  values: PAIRS.map((p) => p.id),
  default: DEFAULT_PAIR,
} as const;
