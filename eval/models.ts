/** The three bundled models, loaded once for the whole evaluation. */
import { join } from 'node:path';
import { loadBundledModel, type LoadedModel } from '../src/lib/runtime/model';

export const MODELS_DIR = join(import.meta.dirname, '..', 'public', 'models');

export interface Bundled {
  expert: LoadedModel;
  amateur: LoadedModel;
  expertEarly: LoadedModel;
}

export async function loadBundled(): Promise<Bundled> {
  const [expert, amateur, expertEarly] = await Promise.all(
    ['expert', 'amateur', 'expert-early'].map((name) => loadBundledModel(name, { localModelPath: MODELS_DIR })),
  );
  return { expert, amateur, expertEarly };
}
