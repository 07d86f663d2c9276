/**
 * A model's description for sessions, read from its config.json. GPT-2 names its sizes n_layer,
 * n_head, n_embd, n_positions; Llama-style models (SmolLM2, Qwen2.5) num_hidden_layers,
 * num_attention_heads, num_key_value_heads, hidden_size, max_position_embeddings. Both are read,
 * so nothing depends on one export's sizes.
 */
import type { ModelInfo } from '../../sessions/model';

/** The config.json fields this reads; other fields are ignored. */
export interface Gpt2StyleConfig {
  n_layer?: number;
  n_head?: number;
  n_embd?: number;
  n_positions?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  hidden_size?: number;
  head_dim?: number;
  max_position_embeddings?: number;
  vocab_size?: number;
  eos_token_id?: number | number[] | null;
  tie_word_embeddings?: boolean;
}

function positiveInteger(config: Gpt2StyleConfig, keys: (keyof Gpt2StyleConfig)[], modelName: string): number {
  for (const key of keys) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`config.json of model "${modelName}" must give ${key} as an integer >= 1, got ${String(value)}`);
    }
    return value;
  }
  throw new RangeError(`config.json of model "${modelName}" gives none of ${keys.join(', ')}`);
}

export function modelInfoFromConfig(config: Gpt2StyleConfig, name: string, hasLayerLogits: boolean): ModelInfo {
  const attentionHeads = positiveInteger(config, ['n_head', 'num_attention_heads'], name);
  const width = positiveInteger(config, ['n_embd', 'hidden_size'], name);
  const kvHeads = config.num_key_value_heads === undefined ? attentionHeads : positiveInteger(config, ['num_key_value_heads'], name);
  if (config.head_dim === undefined && width % attentionHeads !== 0) {
    throw new RangeError(`config.json of model "${name}": width ${width} is not a multiple of ${attentionHeads} heads`);
  }
  const headDim = config.head_dim === undefined ? width / attentionHeads : positiveInteger(config, ['head_dim'], name);
  const eos = Array.isArray(config.eos_token_id) ? (config.eos_token_id[0] ?? null) : (config.eos_token_id ?? null);
  return {
    name,
    vocabSize: positiveInteger(config, ['vocab_size'], name),
    numLayers: positiveInteger(config, ['n_layer', 'num_hidden_layers'], name),
    numHeads: kvHeads,
    headDim,
    contextLength: positiveInteger(config, ['n_positions', 'max_position_embeddings'], name),
    eosTokenId: eos,
    // GPT-2 ties its output matrix to the input embedding unless the config says otherwise.
    tiedEmbeddings: config.tie_word_embeddings ?? true,
    hasLayerLogits,
  };
}
