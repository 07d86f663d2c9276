/**
 * Loads one of the bundled models (public/models/<name>) with transformers.js from a local folder,
 * for Node tests and tools. The browser's loading (progress, caching, device choice) belongs to
 * the worker; this stays minimal on purpose.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import type { DecodeTokens } from '../../sessions/model';
import { modelInfoFromConfig, type GenerationConfig, type Gpt2StyleConfig } from './model-info';
import { decoderSession, TransformersCausalLM } from './transformers-causal-lm';

export interface LoadedModel {
  model: TransformersCausalLM;
  tokenizer: PreTrainedTokenizer;
  /** The transformers.js model itself, for comparisons such as generate(). */
  pretrained: PreTrainedModel;
  encode: (text: string) => number[];
  decode: DecodeTokens;
}

export interface LoadBundledOptions {
  /** The folder that holds one sub-folder per model (the repository's public/models). */
  localModelPath: string;
}

/** Wraps an already loaded transformers.js model and tokenizer. */
export function wrapPretrained(name: string, pretrained: PreTrainedModel, tokenizer: PreTrainedTokenizer): LoadedModel {
  const hasLayerLogits = decoderSession(pretrained).outputNames.includes('layer_logits');
  const generationConfig = (pretrained as { generation_config?: GenerationConfig | null }).generation_config ?? null;
  const info = modelInfoFromConfig(pretrained.config as Gpt2StyleConfig, name, hasLayerLogits, generationConfig);
  return {
    model: new TransformersCausalLM(pretrained, info),
    tokenizer,
    pretrained,
    encode: (text) => tokenizer.encode(text),
    decode: (ids) => tokenizer.decode([...ids]),
  };
}

export async function loadBundledModel(name: string, options: LoadBundledOptions): Promise<LoadedModel> {
  // Offline by construction: a bundled model must never be fetched from the Hub.
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.localModelPath;
  const [tokenizer, pretrained] = await Promise.all([
    AutoTokenizer.from_pretrained(name),
    AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32' }),
  ]);
  return wrapPretrained(name, pretrained, tokenizer);
}
