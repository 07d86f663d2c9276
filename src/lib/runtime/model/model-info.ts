/**
 * A model's description for sessions, read from its config.json. GPT-2 names its sizes n_layer,
 * n_head, n_embd, n_positions; Llama-style models (SmolLM2, Qwen2.5) num_hidden_layers,
 * num_attention_heads, num_key_value_heads, hidden_size, max_position_embeddings. Both are read,
 * so nothing depends on one export's sizes.
 *
 * End-of-sequence: every id counts, from config.json and generation_config.json alike, each a
 * number or a list (Qwen2.5's instruct models end a reply on <|im_end|>, listed only in
 * generation_config.json beside config.json's <|endoftext|>).
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

/** generation_config.json: only its end-of-sequence ids are read. */
export interface GenerationConfig {
  eos_token_id?: number | number[] | null;
}

function eosIdsOf(value: unknown, file: string, modelName: string): number[] {
  if (value === undefined || value === null) return [];
  const ids = Array.isArray(value) ? value : [value];
  for (const id of ids) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new RangeError(`${file} of model "${modelName}" must give eos_token_id as token ids (integers >= 0), got ${JSON.stringify(value)}`);
    }
  }
  return ids as number[];
}

export function modelInfoFromConfig(
  config: Gpt2StyleConfig,
  name: string,
  hasLayerLogits: boolean,
  generationConfig: GenerationConfig | null = null,
): ModelInfo {
  const attentionHeads = positiveInteger(config, ['n_head', 'num_attention_heads'], name);
  const width = positiveInteger(config, ['n_embd', 'hidden_size'], name);
  const kvHeads = config.num_key_value_heads === undefined ? attentionHeads : positiveInteger(config, ['num_key_value_heads'], name);
  if (config.head_dim === undefined && width % attentionHeads !== 0) {
    throw new RangeError(`config.json of model "${name}": width ${width} is not a multiple of ${attentionHeads} heads`);
  }
  const headDim = config.head_dim === undefined ? width / attentionHeads : positiveInteger(config, ['head_dim'], name);
  const vocabSize = positiveInteger(config, ['vocab_size'], name);
  const eos = [
    ...new Set([
      ...eosIdsOf(config.eos_token_id, 'config.json', name),
      ...eosIdsOf(generationConfig?.eos_token_id, 'generation_config.json', name),
    ]),
  ];
  const outside = eos.find((id) => id >= vocabSize);
  if (outside !== undefined) throw new RangeError(`model "${name}" declares end-of-sequence id ${outside}, outside its vocabulary of ${vocabSize}`);
  return {
    name,
    vocabSize,
    numLayers: positiveInteger(config, ['n_layer', 'num_hidden_layers'], name),
    numHeads: kvHeads,
    headDim,
    contextLength: positiveInteger(config, ['n_positions', 'max_position_embeddings'], name),
    eosTokenIds: eos,
    // GPT-2 ties its output matrix to the input embedding unless the config says otherwise.
    tiedEmbeddings: config.tie_word_embeddings ?? true,
    hasLayerLogits,
  };
}
