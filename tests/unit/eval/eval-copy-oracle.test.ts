import { describe, expect, it } from 'vitest';
import { copyCandidates, CopyOracleModel } from '../../../eval/copy-oracle-model';
import type { CausalLM, ForwardResult, KvCache } from '../../../src/lib/sessions/model';

/** A model with the same flat logits at every position, so any change comes from the oracle. */
function flatModel(vocab: number): CausalLM {
  return {
    info: { name: 'flat', vocabSize: vocab, numLayers: 1, numHeads: 1, headDim: 1, contextLength: 64, eosTokenIds: [], tiedEmbeddings: true, hasLayerLogits: false },
    async forward(inputIds: number[][], cache: KvCache | null): Promise<ForwardResult> {
      const length = (cache?.length ?? 0) + inputIds[0].length;
      return { logits: [inputIds[0].map(() => new Float32Array(vocab))], layerLogits: null, cache: { length, batch: 1 } };
    },
    cropCache: (cache: KvCache, length: number) => ({ ...cache, length }),
    selectCacheRows: (cache: KvCache) => cache,
    disposeCache: () => {},
  };
}

const probabilities = (logProbs: Float32Array) => Array.from(logProbs, Math.exp);

describe('copy oracle', () => {
  it('finds the tokens that followed an earlier occurrence of the last two', () => {
    expect([...copyCandidates([5, 6, 7, 5, 6])]).toEqual([7]);
    expect([...copyCandidates([5, 6, 7, 5, 6, 8, 5, 6])].sort()).toEqual([7, 8]);
    expect([...copyCandidates([5, 6, 7, 6])]).toEqual([]);
    expect([...copyCandidates([5])]).toEqual([]);
  });

  it('raises a copy to at least the strength, across calls that continue a cache', async () => {
    const oracle = new CopyOracleModel(flatModel(10), 0.5);
    const first = await oracle.forward([[1, 2, 3, 1]], null);
    // No repeated pair yet: the flat model's uniform distribution, as log-probabilities.
    for (const row of first.logits[0]) expect(probabilities(row)[0]).toBeCloseTo(0.1, 6);
    const second = await oracle.forward([[2]], first.cache);
    // "1 2" occurred before, followed by 3: log p(3) is raised to log 0.5, the rest stay log 0.1.
    const row = second.logits[0][0];
    expect(row[3]).toBeCloseTo(Math.log(0.5), 6);
    expect(row[4]).toBeCloseTo(Math.log(0.1), 6);
    // A cropped cache forgets what it no longer holds.
    const cropped = await oracle.forward([[2]], oracle.cropCache(second.cache, 1));
    expect(cropped.logits[0][0][3]).toBeCloseTo(Math.log(0.1), 6);
  });

  it('rejects a strength outside (0, 1)', () => {
    expect(() => new CopyOracleModel(flatModel(4), 1)).toThrow(RangeError);
    expect(() => new CopyOracleModel(flatModel(4), 0)).toThrow(RangeError);
  });
});
