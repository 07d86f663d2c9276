/**
 * A CausalLM wrapper that remembers forward results, so runs that share a prefix (many DoLa
 * configurations on one prompt; many speculative rounds at one fixed prefix) compute it once.
 *
 * It is exact: a cache is a value the model never modifies (see src/lib/sessions/model.ts), so
 * handing the same result to two sessions gives each the numbers a fresh call would give. The
 * wrapper tracks which tokens each cache holds; a call is remembered under (tokens cached,
 * tokens fed). With `memoizeAll` false only calls from an empty cache are remembered (the
 * prompt), and a call from an empty cache that extends `anchor` is split into the remembered
 * anchor plus the rest, so a speculative target's first forward reuses the prefix.
 */
import type { CausalLM, ForwardOptions, ForwardResult, KvCache } from '../src/lib/sessions/model';

export class MemoCausalLM implements CausalLM {
  private readonly memo = new Map<string, ForwardResult>();
  private readonly held = new WeakMap<KvCache, readonly number[]>();
  /** Calls answered from memory, and calls that ran the model. */
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: CausalLM,
    private readonly options: { memoizeAll: boolean; anchor?: readonly number[] } = { memoizeAll: true },
  ) {}

  get info() {
    return this.inner.info;
  }

  /** Forgets every remembered result (between prompts, to bound memory). */
  clear(): void {
    this.memo.clear();
  }

  async forward(inputIds: number[][], cache: KvCache | null, options?: ForwardOptions): Promise<ForwardResult> {
    const before = cache === null ? [] : this.held.get(cache);
    if (inputIds.length !== 1 || before === undefined) return this.inner.forward(inputIds, cache, options);
    const ids = inputIds[0];
    const anchor = this.options.anchor;
    if (cache === null && anchor && ids.length > anchor.length && anchor.every((t, i) => ids[i] === t)) {
      const head = await this.forward([[...anchor]], null);
      const rest = await this.run([ids.slice(anchor.length)], head.cache, anchor, false, options);
      return { logits: [[...head.logits[0], ...rest.logits[0]]], layerLogits: rest.layerLogits, cache: rest.cache };
    }
    return this.run(inputIds, cache, before, this.options.memoizeAll || cache === null, options);
  }

  private async run(
    inputIds: number[][],
    cache: KvCache | null,
    before: readonly number[],
    remember: boolean,
    options?: ForwardOptions,
  ): Promise<ForwardResult> {
    const key = `${before.join(',')}|${inputIds[0].join(',')}|${options?.layerLogits === true ? 'layers' : ''}`;
    const known = remember ? this.memo.get(key) : undefined;
    if (known) {
      this.hits++;
      return known;
    }
    this.misses++;
    const result = await this.inner.forward(inputIds, cache, options);
    this.held.set(result.cache, [...before, ...inputIds[0]]);
    if (remember) this.memo.set(key, result);
    return result;
  }

  cropCache(cache: KvCache, length: number): KvCache {
    const cropped = this.inner.cropCache(cache, length);
    const tokens = this.held.get(cache);
    if (tokens) this.held.set(cropped, tokens.slice(0, length));
    return cropped;
  }

  selectCacheRows(cache: KvCache, rows: readonly number[]): KvCache {
    return this.inner.selectCacheRows(cache, rows);
  }

  disposeCache(): void {
    // Remembered caches may be shared between sessions; plain arrays are freed by the GC.
  }
}
