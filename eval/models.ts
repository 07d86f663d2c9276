/** The three bundled models, loaded once for the whole evaluation. */
import { join } from 'node:path';
import { loadBundledModel, type LoadedModel } from '../src/lib/runtime/model';
import type { CausalLM } from '../src/lib/sessions/model';

export const MODELS_DIR = join(import.meta.dirname, '..', 'public', 'models');

/** What the evaluation uses of a model: the CausalLM the sessions step, and its tokenizer. */
export type EvalModel = Pick<LoadedModel, 'encode' | 'decode'> & { model: CausalLM };

export interface Bundled {
  expert: EvalModel;
  amateur: EvalModel;
  expertEarly: EvalModel;
}

export async function loadBundled(): Promise<Bundled> {
  const [expert, amateur, expertEarly] = await Promise.all(
    ['expert', 'amateur', 'expert-early'].map((name) => loadBundledModel(name, { localModelPath: MODELS_DIR })),
  );
  return { expert, amateur, expertEarly };
}
