/**
 * What a stepping session needs from a language model, and nothing of any runtime: the sessions
 * run against this interface, the runtime layer (src/lib/runtime/model) implements it on
 * transformers.js, and tests may implement it on anything.
 *
 * A KV cache is opaque to sessions apart from how many tokens it holds and how many rows
 * (sequences) it has. Caches are values: `forward`, `cropCache` and `selectCacheRows` return new
 * caches and never modify the one passed in, so a session can keep an earlier cache to undo a
 * step.
 */

export interface ModelInfo {
  /** A short name for messages, e.g. the bundled model's folder name. */
  name: string;
  vocabSize: number;
  /** N: transformer blocks. Layer indices of `layerLogits` run 0..N. */
  numLayers: number;
  /** Key/value heads per layer in the KV cache (fewer than attention heads in GQA models). */
  numHeads: number;
  headDim: number;
  /** The most positions the model can attend to (GPT-2's n_positions). */
  contextLength: number;
  /** Every end-of-sequence token (some models end on more than one); empty when the model declares none. */
  eosTokenIds: readonly number[];
  /** Whether the output matrix is the input embedding (DoLa's candidate buckets depend on it). */
  tiedEmbeddings: boolean;
  /** Whether `forward` can return early-exit logits for every layer (needed by DoLa). */
  hasLayerLogits: boolean;
}

export interface KvCache {
  /** Tokens cached per row. */
  readonly length: number;
  /** Rows (sequences) in the cache. */
  readonly batch: number;
}

export interface ForwardResult {
  /** [batch][position]: one row of logits over the vocabulary per new token. */
  logits: Float32Array[][];
  /** [batch][layer 0..N]: early-exit logits at the last new position; null unless asked for and available. */
  layerLogits: Float32Array[][] | null;
  /** The cache extended by the new tokens (a new value; the input cache is unchanged). */
  cache: KvCache;
}

export interface ForwardOptions {
  /**
   * Also compute the early-exit logits of every layer (DoLa). They cost about as much as the
   * blocks themselves, so a model that can skip them does unless asked.
   */
  layerLogits?: boolean;
}

export interface CausalLM {
  readonly info: ModelInfo;
  /**
   * Runs the model on `inputIds` ([batch][newTokens], every row the same length, at least one
   * token) after the tokens already in `cache` (null: nothing cached; otherwise its batch must
   * equal inputIds.length). Throws a RangeError rather than run past `info.contextLength`.
   */
  forward(inputIds: number[][], cache: KvCache | null, options?: ForwardOptions): Promise<ForwardResult>;
  /** The first `length` tokens of every row (0 <= length <= cache.length), as a new cache. */
  cropCache(cache: KvCache, length: number): KvCache;
  /** A new cache whose row i is row `rows[i]` of `cache` (beam search's reorder). */
  selectCacheRows(cache: KvCache, rows: readonly number[]): KvCache;
  /** Releases what the cache holds; the cache must not be used afterwards. */
  disposeCache(cache: KvCache): void;
}

/** Token ids to text, for traces a person reads; sessions get it from whoever owns the tokenizer. */
export type DecodeTokens = (ids: readonly number[]) => string;
