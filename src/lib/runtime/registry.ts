/**
 * The models a reader can run. The bundled family is served by the site itself (public/models)
 * and is the offline default; Hub models are opt-in, fetched by the reader's browser from the
 * Hugging Face Hub only after the reader agrees to the download size shown here.
 *
 * Pairs group models that share one tokenizer, which contrastive decoding (expert + amateur) and
 * speculative sampling (target + draft) need.
 */

export type ModelSource =
  /** A folder of the site's models directory (public/models/<folder>). */
  | { kind: 'bundled'; folder: string }
  /** A Hub repository, fetched as <host><repo>/resolve/<revision>/<file>. */
  | { kind: 'hub'; repo: string; revision: string };

/** Weight formats transformers.js can load; each maps to one onnx/model*.onnx file. */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

export interface ModelEntry {
  /** The registry id (what load() and session specs name). */
  id: string;
  label: string;
  /**
   * A few words that tell the model apart within its role, for captions and chart titles: a figure
   * writes "the expert (8 layers)" or "the expert (SmolLM2 360M)".
   */
  shortLabel: string;
  source: ModelSource;
  dtype: ModelDtype;
  /** Bytes downloaded on a first visit: every file the load fetches. */
  downloadBytes: number;
  /**
   * Where downloadBytes comes from: measured on our files, or our estimate for a Hub export (the
   * consent step reads the Hub's own listing at run time, hub-listing.ts, and falls back to this).
   */
  sizeSource: 'measured' | 'estimate';
  /** Whether the export has early-exit logits for every layer; without them the worker adds them with the layer lens (worker/lens-fetch.ts). */
  layerLogits: boolean;
  /** Models with the same tokenizer family can be paired. */
  tokenizerFamily: string;
  /**
   * Decoder blocks and whether the output matrix is the token embedding (config.json's
   * num_hidden_layers / n_layer and tie_word_embeddings): what DoLa's layer buckets depend on. The
   * worker reads the loaded model's own config; these let a figure name the buckets before it loads.
   */
  layers: { count: number; tiedEmbeddings: boolean };
  description: string;
}

export interface ModelPair {
  id: string;
  label: string;
  /** The larger model: the contrastive expert and the speculative target. */
  large: string;
  /** The smaller model: the contrastive amateur and the speculative draft. */
  small: string;
  /** An early checkpoint of the large model's own run (O'Brien & Lewis's amateur), if any. */
  early?: string;
}

/**
 * Where Hub models come from (<HUB_HOST><repo>/resolve/<revision>/<file>). The Hub redirects large
 * files to hosts under hf.co; the site's Content-Security-Policy (integrations/security-policy.mjs)
 * allows both, and a unit test checks it still allows this one.
 */
export const HUB_HOST = 'https://huggingface.co/';

/** The small files transformers.js fetches for any model besides its weights (generation_config.json included). */
export const MODEL_CONFIG_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** The files transformers.js fetches for a bundled model: the config files and fp32 weights. */
export const BUNDLED_MODEL_FILES = [...MODEL_CONFIG_FILES, 'onnx/model.onnx'] as const;

/**
 * The first 16 hex digits of a SHA-256 over the bundled models' files (see
 * tests/integration/runtime-loading.test.ts, which recomputes it): browser caches are named after
 * it, so a rebuilt model is never served from an old cache. Update it when the models change.
 */
export const BUNDLED_MODELS_VERSION = '6daced8f10e4eb5a';

const BUNDLED_FAMILY = 'bundled-bpe-4096';
const SMOLLM2_FAMILY = 'smollm2';
const QWEN25_FAMILY = 'qwen2.5';
const GPT2_FAMILY = 'gpt2';

export const MODELS: readonly ModelEntry[] = [
  {
    id: 'amateur',
    label: 'Bundled amateur (2 layers × 128)',
    shortLabel: '2 layers',
    layers: { count: 2, tiedEmbeddings: true },
    source: { kind: 'bundled', folder: 'amateur' },
    dtype: 'fp32',
    downloadBytes: 3_972_081,
    sizeSource: 'measured',
    layerLogits: true,
    tokenizerFamily: BUNDLED_FAMILY,
    description: 'The small model trained in this repository: contrastive amateur and speculative draft.',
  },
  {
    id: 'expert',
    label: 'Bundled expert (8 layers × 224)',
    shortLabel: '8 layers',
    layers: { count: 8, tiedEmbeddings: true },
    source: { kind: 'bundled', folder: 'expert' },
    dtype: 'fp32',
    downloadBytes: 23_503_088,
    sizeSource: 'measured',
    layerLogits: true,
    tokenizerFamily: BUNDLED_FAMILY,
    description: 'The larger model trained in this repository: contrastive expert, speculative target and DoLa model.',
  },
  {
    id: 'expert-early',
    label: 'Bundled expert, early checkpoint',
    shortLabel: 'early checkpoint',
    layers: { count: 8, tiedEmbeddings: true },
    source: { kind: 'bundled', folder: 'expert-early' },
    dtype: 'fp32',
    downloadBytes: 23_503_093,
    sizeSource: 'measured',
    layerLogits: true,
    tokenizerFamily: BUNDLED_FAMILY,
    description: "An early checkpoint of the expert's own training run: O'Brien & Lewis's amateur.",
  },
  {
    id: 'smollm2-135m',
    label: 'SmolLM2-135M-Instruct (Hub, 4-bit)',
    shortLabel: 'SmolLM2 135M',
    layers: { count: 30, tiedEmbeddings: true },
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolLM2-135M-Instruct', revision: 'main' },
    dtype: 'q4',
    downloadBytes: 200_000_000,
    sizeSource: 'estimate',
    layerLogits: false,
    tokenizerFamily: SMOLLM2_FAMILY,
    description: 'Hugging Face SmolLM2, 135M parameters, 30 layers.',
  },
  {
    id: 'smollm2-360m',
    label: 'SmolLM2-360M-Instruct (Hub, 4-bit)',
    shortLabel: 'SmolLM2 360M',
    layers: { count: 32, tiedEmbeddings: true },
    source: { kind: 'hub', repo: 'HuggingFaceTB/SmolLM2-360M-Instruct', revision: 'main' },
    dtype: 'q4',
    downloadBytes: 400_000_000,
    sizeSource: 'estimate',
    layerLogits: false,
    tokenizerFamily: SMOLLM2_FAMILY,
    description: 'Hugging Face SmolLM2, 360M parameters, 32 layers.',
  },
  {
    id: 'qwen2.5-0.5b',
    label: 'Qwen2.5-0.5B-Instruct (Hub, 4-bit)',
    shortLabel: 'Qwen2.5 0.5B',
    layers: { count: 24, tiedEmbeddings: true },
    source: { kind: 'hub', repo: 'onnx-community/Qwen2.5-0.5B-Instruct', revision: 'main' },
    dtype: 'q4',
    downloadBytes: 800_000_000,
    sizeSource: 'estimate',
    layerLogits: false,
    tokenizerFamily: QWEN25_FAMILY,
    description: 'Alibaba Qwen2.5, 0.5B parameters, 24 layers.',
  },
  {
    id: 'qwen2.5-1.5b',
    label: 'Qwen2.5-1.5B-Instruct (Hub, 4-bit)',
    shortLabel: 'Qwen2.5 1.5B',
    layers: { count: 28, tiedEmbeddings: true },
    source: { kind: 'hub', repo: 'onnx-community/Qwen2.5-1.5B-Instruct', revision: 'main' },
    dtype: 'q4',
    downloadBytes: 1_600_000_000,
    sizeSource: 'estimate',
    layerLogits: false,
    tokenizerFamily: QWEN25_FAMILY,
    description: 'Alibaba Qwen2.5, 1.5B parameters, 28 layers.',
  },
  {
    id: 'distilgpt2',
    label: 'DistilGPT2 (Hub, 8-bit)',
    shortLabel: 'DistilGPT2',
    layers: { count: 6, tiedEmbeddings: true },
    source: { kind: 'hub', repo: 'Xenova/distilgpt2', revision: 'main' },
    dtype: 'q8',
    downloadBytes: 90_000_000,
    sizeSource: 'estimate',
    layerLogits: false,
    tokenizerFamily: GPT2_FAMILY,
    description: 'OpenAI GPT-2 distilled to 6 layers (Hugging Face), 82M parameters.',
  },
  {
    id: 'gpt2',
    label: 'GPT-2 small (Hub, 8-bit)',
    shortLabel: 'GPT-2 small',
    layers: { count: 12, tiedEmbeddings: true },
    source: { kind: 'hub', repo: 'Xenova/gpt2', revision: 'main' },
    dtype: 'q8',
    downloadBytes: 130_000_000,
    sizeSource: 'estimate',
    layerLogits: false,
    tokenizerFamily: GPT2_FAMILY,
    description: 'OpenAI GPT-2 small, 124M parameters, 12 layers.',
  },
];

export const PAIRS: readonly ModelPair[] = [
  { id: 'bundled', label: 'Bundled models (offline)', large: 'expert', small: 'amateur', early: 'expert-early' },
  { id: 'smollm2', label: 'SmolLM2 135M / 360M (Hub)', large: 'smollm2-360m', small: 'smollm2-135m' },
  { id: 'qwen2.5', label: 'Qwen2.5 0.5B / 1.5B (Hub)', large: 'qwen2.5-1.5b', small: 'qwen2.5-0.5b' },
  { id: 'gpt2', label: 'DistilGPT2 / GPT-2 (Hub)', large: 'gpt2', small: 'distilgpt2' },
];

export const DEFAULT_PAIR = 'bundled';

export const BUNDLED_PAIR: ModelPair = PAIRS.find((p) => p.id === DEFAULT_PAIR)!;

/** The pair with this id; an unknown id (an old link) falls back to the bundled pair. */
export function pairById(id: string): ModelPair {
  return PAIRS.find((p) => p.id === id) ?? BUNDLED_PAIR;
}

export function findModel(id: string, extra: readonly ModelEntry[] = []): ModelEntry | undefined {
  return [...extra, ...MODELS].find((entry) => entry.id === id);
}

/** A model's short label, or its id if the registry does not know it. */
export function shortLabelOf(id: string): string {
  return findModel(id)?.shortLabel ?? id;
}

/** "17.8 MB": sizes for people, in decimal megabytes like download dialogs. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}
