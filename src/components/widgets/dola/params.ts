/** The DoLa widget's parameters, as controls and in the URL (prefix "dola"). */
import type { DolaSpec } from '../../../lib/runtime/protocol';
import { BUNDLED_PAIR, MODELS, findModel, type ModelPair } from '../../../lib/runtime/registry';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';
import { PAIR_PARAM } from '../shared/model-pair';

export const PREFIX = 'dola';
/** A held-out factual prompt (tests/fixtures/factual-prompts.json): greedy misses it, and the two divergences pick different layers at the first step and answer differently. */
export const DEFAULT_PROMPT = 'Ask anyone in Poland and they will tell you that the capital is';
/**
 * The URL's range: any premature layer of the deepest model a figure can run, so that a shared
 * link to a deep Hub model keeps its layer. The widget runs at most the active model's own.
 */
export const MAX_PREMATURE_LAYER = Math.max(...MODELS.map((m) => m.layers.count)) - 1;

export const BUCKETS = ['high', 'low', 'static'] as const;
export const DIVERGENCES = ['jsd', 'reference'] as const;

export const SCHEMA = {
  prompt: {
    kind: 'text',
    label: 'Prompt',
    maxLength: 2000,
    default: DEFAULT_PROMPT,
  },
  /** 'low' / 'high': the reference buckets (dynamic); 'static': the one layer below. */
  bucket: {
    kind: 'choice',
    label: 'Premature layers',
    values: BUCKETS,
    default: 'high' as const,
  },
  layer: {
    kind: 'number',
    label: 'Static layer',
    min: 0,
    max: MAX_PREMATURE_LAYER,
    default: 4,
    integer: true,
    hint: 'The premature layer used at every step.',
  },
  /** Which of the two side-by-side sessions the detailed figures show. */
  divergence: {
    kind: 'choice',
    label: 'Divergence shown',
    values: DIVERGENCES,
    default: 'jsd' as const,
  },
  relativeTop: {
    kind: 'number',
    label: 'Relative-top alpha',
    min: 0,
    max: 1,
    default: 0.1,
    step: 0.01,
    hint: '0 turns the mask off.',
  },
  /** 1.2: what the DoLa paper, its code and Hugging Face recommend with DoLa (1 shows the bare contrast). */
  repetitionPenalty: {
    kind: 'number',
    label: 'Repetition penalty',
    min: 1,
    max: 3,
    default: 1.2,
    step: 0.05,
    hint: '1 is off; the paper recommends 1.2.',
  },
  pair: PAIR_PARAM,
} satisfies ParamSchema;

export type DolaParams = ParamValues<typeof SCHEMA>;

/** Rows of the logit-lens heatmap: the mature layer's top tokens. */
export const TOP_N = 10;

/** The blocks of the pair's large model as the registry states them (known before it loads). */
export function layersOf(pair: ModelPair): { count: number; tiedEmbeddings: boolean } {
  return findModel(pair.large)?.layers ?? findModel(BUNDLED_PAIR.large)!.layers;
}

/** The deepest premature layer of the pair's large model. */
export function deepestLayer(pair: ModelPair): number {
  return layersOf(pair).count - 1;
}

/**
 * The session for one divergence on the pair's large model; the widget runs one per divergence
 * side by side. Hub models get their early exits from the worker's layer lens.
 */
export function dolaSpec(p: DolaParams, divergence: 'jsd' | 'reference', pair: ModelPair = BUNDLED_PAIR): DolaSpec {
  return {
    method: 'dola',
    model: pair.large,
    prompt: p.prompt,
    layers: p.bucket === 'static' ? [Math.min(p.layer, deepestLayer(pair))] : p.bucket,
    divergence,
    relativeTop: p.relativeTop,
    repetitionPenalty: p.repetitionPenalty,
    topN: TOP_N,
  };
}

export const DEFAULT_PARAMS: DolaParams = defaultValues(SCHEMA);
