import { describe, expect, it } from 'vitest';
import { MemoCausalLM } from '../../../eval/memo-model';
import type { CausalLM, ForwardResult, KvCache } from '../../../src/lib/sessions/model';

/**
 * The evaluation's forward-result memory: a toy deterministic model whose logits are a function
 * of the tokens it has read, so any wrong cache bookkeeping shows up as different numbers.
 */
interface ToyCache extends KvCache {
  tokens: number[];
}

function toyModel(): CausalLM & { calls: number } {
  const vocab = 5;
  const row = (context: number[]) => Float32Array.from({ length: vocab }, (_, v) => (context.reduce((a, t, i) => a + t * (i + 1), 0) * (v + 1)) % 7);
  const model = {
    calls: 0,
    info: { name: 'toy', vocabSize: vocab, numLayers: 1, numHeads: 1, headDim: 1, contextLength: 64, eosTokenIds: [], tiedEmbeddings: true, hasLayerLogits: false },
    async forward(inputIds: number[][], cache: KvCache | null): Promise<ForwardResult> {
      model.calls++;
      const before = (cache as ToyCache | null)?.tokens ?? [];
      const all = [...before, ...inputIds[0]];
      const logits = inputIds[0].map((_, i) => row(all.slice(0, before.length + i + 1)));
      return { logits: [logits], layerLogits: null, cache: { length: all.length, batch: 1, tokens: all } as ToyCache };
    },
    cropCache: (cache: KvCache, length: number) => ({ length, batch: 1, tokens: (cache as ToyCache).tokens.slice(0, length) }) as ToyCache,
    selectCacheRows: (cache: KvCache) => cache,
    disposeCache: () => {},
  };
  return model;
}

describe('MemoCausalLM', () => {
  it('answers a repeated call from memory with the same numbers', async () => {
    const inner = toyModel();
    const memo = new MemoCausalLM(inner);
    const a = await memo.forward([[1, 2, 3]], null);
    const b = await memo.forward([[4]], a.cache);
    const again = await memo.forward([[1, 2, 3]], null);
    const b2 = await memo.forward([[4]], again.cache);
    expect(b2.logits).toEqual(b.logits);
    expect(inner.calls).toBe(2);
    expect(memo.hits).toBe(2);
    // A different continuation runs the model, and a cropped cache knows its tokens.
    const c = await memo.forward([[2]], memo.cropCache(b.cache, 3));
    const fresh = await toyModel().forward([[1, 2, 3, 2]], null);
    expect(c.logits).toEqual([fresh.logits[0].slice(3)]);
    expect(inner.calls).toBe(3);
  });

  it('splits a first call that extends the anchor, with the same logits as one call', async () => {
    const inner = toyModel();
    const memo = new MemoCausalLM(inner, { memoizeAll: false, anchor: [1, 2, 3] });
    const direct = await toyModel().forward([[1, 2, 3, 4, 0]], null);
    const first = await memo.forward([[1, 2, 3, 4, 0]], null);
    const second = await memo.forward([[1, 2, 3, 1, 1]], null);
    expect(first.logits).toEqual(direct.logits);
    expect((first.cache as ToyCache).tokens).toEqual([1, 2, 3, 4, 0]);
    expect(second.logits[0].length).toBe(5);
    // The anchor ran once; each round's rest ran once; nothing but the anchor is remembered.
    expect(inner.calls).toBe(3);
    await memo.forward([[4]], first.cache);
    await memo.forward([[4]], first.cache);
    expect(inner.calls).toBe(5);
  });
});
