/**
 * A model's description for sessions, read from a GPT-2-style config.json (the names Hugging Face
 * uses for GPT-2: n_layer, n_head, n_embd, n_positions), so nothing depends on one export's sizes.
 */
import type { ModelInfo } from '../../sessions/model';

/** The config.json fields this reads; other fields are ignored. */
export interface Gpt2StyleConfig {
  n_layer?: number;
  n_head?: number;
  n_embd?: number;
  n_positions?: number;
  vocab_size?: number;
  eos_token_id?: number | number[] | null;
  tie_word_embeddings?: boolean;
}

function requirePositiveInteger(config: Gpt2StyleConfig, key: keyof Gpt2StyleConfig, modelName: string): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`config.json of model "${modelName}" must give ${key} as an integer >= 1, got ${String(value)}`);
  }
  return value;
}

export function modelInfoFromConfig(config: Gpt2StyleConfig, name: string, hasLayerLogits: boolean): ModelInfo {
  const numHeads = requirePositiveInteger(config, 'n_head', name);
  const width = requirePositiveInteger(config, 'n_embd', name);
  if (width % numHeads !== 0) {
    throw new RangeError(`config.json of model "${name}": n_embd ${width} is not a multiple of n_head ${numHeads}`);
  }
  const eos = Array.isArray(config.eos_token_id) ? (config.eos_token_id[0] ?? null) : (config.eos_token_id ?? null);
  return {
    name,
    vocabSize: requirePositiveInteger(config, 'vocab_size', name),
    numLayers: requirePositiveInteger(config, 'n_layer', name),
    numHeads,
    headDim: width / numHeads,
    contextLength: requirePositiveInteger(config, 'n_positions', name),
    eosTokenId: eos,
    // GPT-2 ties its output matrix to the input embedding unless the config says otherwise.
    tiedEmbeddings: config.tie_word_embeddings ?? true,
    hasLayerLogits,
  };
}
