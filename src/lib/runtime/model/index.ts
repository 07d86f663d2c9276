/** The model runtime's adapter: CausalLM on transformers.js, and loading the bundled models. */
export { Float32KvCache, type KvShape } from './float32-kv-cache';
export { modelInfoFromConfig, type GenerationConfig, type Gpt2StyleConfig } from './model-info';
export { TransformersCausalLM } from './transformers-causal-lm';
export { loadBundledModel, wrapPretrained, type LoadBundledOptions, type LoadedModel } from './load-bundled-model';
