/**
 * One model reading one growing sequence through its KV cache: each call feeds only the tokens
 * the cache has not seen. Undo is a crop back to an earlier length, which gives exactly the cache
 * that existed then (a cache's first positions never change once computed).
 */
import type { CausalLM, ForwardOptions, KvCache } from './model';

export interface Extension {
  /** One row of logits per newly fed position. */
  logits: Float32Array[];
  /** Early-exit logits at the last fed position, layer 0..N; null unless asked for and available. */
  layerLogits: Float32Array[] | null;
  /** Wall time of the forward call. */
  ms: number;
}

export class CachedSequence {
  private cache: KvCache | null = null;
  /** The tokens the cache holds, to catch a caller that feeds a different prefix. */
  private fed: number[] = [];

  constructor(readonly model: CausalLM) {}

  get cachedLength(): number {
    return this.fed.length;
  }

  /** Runs the model over the part of `sequence` not yet cached; `sequence` starts with what is. */
  async extend(sequence: readonly number[], options?: ForwardOptions): Promise<Extension> {
    const cached = this.fed.length;
    if (sequence.length <= cached) {
      throw new RangeError(`nothing new to feed: ${cached} tokens are cached and the sequence has ${sequence.length}`);
    }
    for (let i = 0; i < cached; i++) {
      if (sequence[i] !== this.fed[i]) throw new Error(`the sequence differs from the cached tokens at position ${i}`);
    }
    const fresh = sequence.slice(cached);
    const start = performance.now();
    const result = await this.model.forward([fresh], this.cache, options);
    const ms = performance.now() - start;
    this.replaceCache(result.cache);
    this.fed = [...sequence];
    return { logits: result.logits[0], layerLogits: result.layerLogits?.[0] ?? null, ms };
  }

  /** Keeps the first `length` cached tokens (0 drops the cache). */
  cropTo(length: number): void {
    if (length === this.fed.length) return;
    if (!Number.isInteger(length) || length < 0 || length > this.fed.length) {
      throw new RangeError(`crop length must be an integer in [0, ${this.fed.length}], got ${length}`);
    }
    this.replaceCache(length === 0 || this.cache === null ? null : this.model.cropCache(this.cache, length));
    this.fed = this.fed.slice(0, length);
  }

  clear(): void {
    this.cropTo(0);
  }

  private replaceCache(next: KvCache | null): void {
    if (this.cache !== null && this.cache !== next) this.model.disposeCache(this.cache);
    this.cache = next;
  }
}
