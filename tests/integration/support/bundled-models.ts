/**
 * Loads the committed models under public/models for the session tests, once per test file, and
 * a CausalLM wrapper that records every forward call so tests can prove what the sessions asked.
 */
import { join } from 'node:path';
import { loadBundledModel, type LoadedModel } from '../../../src/lib/runtime/model';
import type { CausalLM, ForwardOptions, ForwardResult, KvCache } from '../../../src/lib/sessions/model';

const MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'public', 'models');

export type BundledName = 'amateur' | 'expert' | 'expert-early';

export function loadModel(name: BundledName): Promise<LoadedModel> {
  return loadBundledModel(name, { localModelPath: MODELS_DIR });
}

export const PROMPT_TEXT = 'The old man looked at the sea and said that';
/** A prompt the expert's greedy continuation ends with end-of-sequence at its seventh step (" Boliviano."). */
export const ENDS_SOON_PROMPT_TEXT = 'When you go shopping in Bolivia, you pay with the';

export interface ForwardCall {
  batch: number;
  newTokens: number;
  cachedBefore: number;
}

/** The same model, recording the shape of each forward call (and the furthest position read). */
export function recordingModel(model: CausalLM): CausalLM & { calls: ForwardCall[]; furthest: () => number } {
  const calls: ForwardCall[] = [];
  return {
    info: model.info,
    calls,
    furthest: () => Math.max(0, ...calls.map((c) => c.cachedBefore + c.newTokens)),
    forward(inputIds: number[][], cache: KvCache | null, options?: ForwardOptions): Promise<ForwardResult> {
      calls.push({ batch: inputIds.length, newTokens: inputIds[0]?.length ?? 0, cachedBefore: cache?.length ?? 0 });
      return model.forward(inputIds, cache, options);
    },
    cropCache: (cache, length) => model.cropCache(cache, length),
    selectCacheRows: (cache, rows) => model.selectCacheRows(cache, rows),
    disposeCache: (cache) => model.disposeCache(cache),
  };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`rows differ in length: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
