/**
 * A CausalLM whose next-token logits are a function of the text so far: a toy model for session
 * tests that need a situation a real model reaches only by chance (an end-of-sequence token at a
 * given place, a certain acceptance). The KV cache is the token ids themselves.
 */
import type { CausalLM, ForwardResult, KvCache, ModelInfo } from '../../../src/lib/sessions/model';

interface TableCache extends KvCache {
  readonly rows: readonly (readonly number[])[];
}

export type NextLogits = (ids: readonly number[]) => number[];

export class TableModel implements CausalLM {
  readonly info: ModelInfo;
  /** The number of new tokens of each forward call, in order. */
  readonly calls: number[] = [];

  constructor(
    name: string,
    vocabSize: number,
    private readonly next: NextLogits,
    eos: number | readonly number[] | null = null,
    contextLength = 64,
  ) {
    this.info = { name, vocabSize, numLayers: 1, numHeads: 1, headDim: 1, contextLength, eosTokenIds: eos === null ? [] : typeof eos === 'number' ? [eos] : [...eos], tiedEmbeddings: true, hasLayerLogits: false };
  }

  async forward(inputIds: number[][], cache: KvCache | null): Promise<ForwardResult> {
    const before = (cache as TableCache | null)?.rows ?? inputIds.map(() => []);
    this.calls.push(inputIds[0].length);
    const rows = inputIds.map((ids, r) => [...before[r], ...ids]);
    if (rows[0].length > this.info.contextLength) throw new RangeError('past the context');
    const logits = rows.map((row, r) =>
      inputIds[r].map((_, j) => Float32Array.from(this.next(row.slice(0, before[r].length + j + 1)))),
    );
    return { logits, layerLogits: null, cache: tableCache(rows) };
  }

  cropCache(cache: KvCache, length: number): KvCache {
    return tableCache((cache as TableCache).rows.map((row) => row.slice(0, length)));
  }

  selectCacheRows(cache: KvCache, rows: readonly number[]): KvCache {
    return tableCache(rows.map((r) => (cache as TableCache).rows[r]));
  }

  disposeCache(): void {}
}

function tableCache(rows: readonly (readonly number[])[]): TableCache {
  return { rows, length: rows[0]?.length ?? 0, batch: rows.length };
}
