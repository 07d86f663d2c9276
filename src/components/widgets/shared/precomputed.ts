/**
 * A widget's default example, stepped ahead of time by the real models in Node
 * (`npm run precompute`, which writes precomputed/<id>.json) so the widget can show it at once,
 * before any model has loaded. tests/integration/precomputed.test.ts recomputes every file and
 * fails if one no longer matches what the models give.
 */
import type { SessionSpec, StepMessage } from '../../../lib/runtime/protocol';

export interface PrecomputedExample {
  id: string;
  spec: SessionSpec;
  /** Steps taken; timings are zero, since they were not measured in a browser. */
  steps: StepMessage[];
  /** Prompt token ids as the session read them. */
  promptIds: number[];
  /** The text of every token id that appears in the prompt or the steps. */
  tokenText: Record<number, string>;
}

export interface ExampleDefinition {
  id: string;
  spec: SessionSpec;
  /** How many steps to precompute. */
  steps: number;
}
