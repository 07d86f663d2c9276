/**
 * A CausalLM wrapper for a what-if: a model that predicts repetition as strongly as you like. Where
 * the last two tokens it has read occurred together before, it raises the probability of the token
 * that followed them then to at least `strength` (before the softmax renormalises). Not a language
 * model anyone trained; eval/cd-amateur-probe.ts uses it as an upper bound on what an amateur
 * that expects loops can do for contrastive decoding.
 */
import { logSoftmax } from '../src/lib/decoding';
import type { CausalLM, ForwardOptions, ForwardResult, KvCache } from '../src/lib/sessions/model';

/** Tokens that followed an earlier occurrence of the history's last two tokens. */
export function copyCandidates(history: readonly number[]): Set<number> {
  const found = new Set<number>();
  const n = history.length;
  for (let j = 1; j + 1 < n; j++) {
    if (history[j - 1] === history[n - 2] && history[j] === history[n - 1]) found.add(history[j + 1]);
  }
  return found;
}

export class CopyOracleModel implements CausalLM {
  private readonly held = new WeakMap<KvCache, readonly number[]>();

  constructor(
    private readonly inner: CausalLM,
    private readonly strength: number,
  ) {
    if (!(strength > 0 && strength < 1)) throw new RangeError(`strength must be in (0, 1), got ${strength}`);
  }

  get info() {
    return this.inner.info;
  }

  async forward(inputIds: number[][], cache: KvCache | null, options?: ForwardOptions): Promise<ForwardResult> {
    if (inputIds.length !== 1) throw new RangeError('CopyOracleModel reads one row');
    const before = cache === null ? [] : (this.held.get(cache) ?? []);
    const result = await this.inner.forward(inputIds, cache, options);
    const floor = Math.log(this.strength);
    const logits = result.logits[0].map((row, t) => {
      const history = [...before, ...inputIds[0].slice(0, t + 1)];
      const out = logSoftmax(row);
      for (const x of copyCandidates(history)) out[x] = Math.max(out[x], floor);
      return out;
    });
    this.held.set(result.cache, [...before, ...inputIds[0]]);
    return { ...result, logits: [logits] };
  }

  cropCache(cache: KvCache, length: number): KvCache {
    const cropped = this.inner.cropCache(cache, length);
    this.held.set(cropped, (this.held.get(cache) ?? []).slice(0, length));
    return cropped;
  }

  selectCacheRows(cache: KvCache, rows: readonly number[]): KvCache {
    return this.inner.selectCacheRows(cache, rows);
  }

  disposeCache(cache: KvCache): void {
    this.inner.disposeCache(cache);
  }
}
