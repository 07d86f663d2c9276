import { argmax, minP, softmax, temperature, topK, topP } from '../../../lib/decoding';

export interface ExploreSettings {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
}

export type ExploreResult =
  | { ok: true; before: Float32Array; after: Float32Array; kept: number; greedy: boolean }
  | { ok: false; message: string };

/**
 * The distribution the figure draws: the raw softmax, then temperature, top-k, top-p and
 * min-p in the documented order (ALGORITHMS.md section 1). Temperature 0 is greedy.
 */
export function explore(logits: Float32Array, settings: ExploreSettings): ExploreResult {
  try {
    const before = softmax(logits);
    if (settings.temperature === 0) {
      const after = new Float32Array(logits.length);
      after[argmax(logits)] = 1;
      return { ok: true, before, after, kept: 1, greedy: true };
    }
    let scores = temperature(logits, settings.temperature);
    scores = topK(scores, settings.topK);
    scores = topP(scores, settings.topP);
    scores = minP(scores, settings.minP);
    const after = softmax(scores);
    const kept = after.reduce((n, p) => n + (p > 0 ? 1 : 0), 0);
    return { ok: true, before, after, kept, greedy: false };
  } catch (error) {
    return { ok: false, message: `These settings cannot be applied: ${(error as Error).message}` };
  }
}
