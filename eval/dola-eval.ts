/**
 * DoLa vs greedy on the held-out factual prompts: exact-match accuracy of the completion
 * (tests/fixtures/factual-prompts.json's rule). Every configuration decodes greedily (argmax); a
 * run stops as soon as its verdict is settled, which gives the same verdict as a longer run.
 * All configurations of one prompt share the expert's forward results through MemoCausalLM.
 */
import type { DolaBucket, DolaDivergence } from '../src/lib/decoding';
import { DolaSession, SamplingSession } from '../src/lib/sessions';
import type { SteppingSession } from '../src/lib/sessions/session';
import { judgeCompletion, type Verdict } from './factual';
import { MemoCausalLM } from './memo-model';
import type { Bundled } from './models';

export interface FactualPrompt {
  relation: string;
  country: string;
  prompt: string;
  answer: string;
}

export interface DolaConfig {
  key: string;
  method: 'greedy' | 'dola';
  /** 'low' | 'high' (dynamic), 'static' (one layer), null for greedy. */
  bucket: 'low' | 'high' | 'static' | null;
  /** The static premature layer, null otherwise. */
  layer: number | null;
  /** null for greedy and for static DoLa, where one candidate leaves nothing to choose. */
  divergence: DolaDivergence | null;
  repetitionPenalty: number;
}

/** DoLa's recommended repetition penalty, used by every DoLa run and by one greedy baseline. */
export const DOLA_PENALTY = 1.2;

export function dolaConfigs(numLayers: number): DolaConfig[] {
  const configs: DolaConfig[] = [
    { key: 'greedy', method: 'greedy', bucket: null, layer: null, divergence: null, repetitionPenalty: 1 },
    { key: `greedy-rp${DOLA_PENALTY}`, method: 'greedy', bucket: null, layer: null, divergence: null, repetitionPenalty: DOLA_PENALTY },
  ];
  for (const bucket of ['low', 'high'] as const) {
    for (const divergence of ['jsd', 'reference'] as const) {
      configs.push({ key: `dola-${bucket}-${divergence}`, method: 'dola', bucket, layer: null, divergence, repetitionPenalty: DOLA_PENALTY });
    }
  }
  for (let layer = 0; layer < numLayers; layer++) {
    configs.push({ key: `dola-static-${layer}`, method: 'dola', bucket: 'static', layer, divergence: null, repetitionPenalty: DOLA_PENALTY });
  }
  return configs;
}

export interface DolaOutcome {
  config: string;
  promptIndex: number;
  verdict: Exclude<Verdict, 'undecided'>;
  text: string;
  /** Premature layers chosen at each generated token (DoLa only). */
  layers: number[];
}

export interface DolaRow extends Omit<DolaConfig, 'key'> {
  config: string;
  /** Candidate layers the bucket resolves to for this model (empty for greedy). */
  candidateLayers: number[];
  prompts: number;
  correct: number;
  accuracy: number;
  /** The same on the original relations only (the first family's 988 prompts), for comparison with it. */
  originalPrompts: number;
  originalCorrect: number;
  originalAccuracy: number;
  /** Accuracy per relation. */
  byRelation: Record<string, number>;
  /** How often each premature layer was chosen over all generated tokens (dynamic DoLa). */
  layerChoices: Record<string, number>;
}

/** Tokens beyond the answer's own length a run may take before it counts as unfinished. */
const EXTRA_TOKENS = 4;

function session(config: DolaConfig, model: MemoCausalLM, promptIds: number[]): SteppingSession<unknown, unknown> {
  const common = { promptIds, stopAtEos: true, topN: 1 };
  if (config.method === 'greedy') {
    return new SamplingSession(model, { ...common, sampling: { temperature: 0, repetitionPenalty: config.repetitionPenalty } });
  }
  const layers: DolaBucket = config.bucket === 'static' ? [config.layer!] : config.bucket!;
  return new DolaSession(model, {
    ...common,
    maxHeadTokens: 1,
    layers,
    divergence: config.divergence ?? 'jsd',
    repetitionPenalty: config.repetitionPenalty,
  });
}

export function candidateLayersOf(config: DolaConfig, model: MemoCausalLM, promptIds: number[]): number[] {
  const s = session(config, model, promptIds);
  return s instanceof DolaSession ? s.candidateLayers : [];
}

export async function judgePrompt(
  configs: readonly DolaConfig[],
  models: Bundled,
  memo: MemoCausalLM,
  item: FactualPrompt,
  promptIndex: number,
): Promise<DolaOutcome[]> {
  const { encode, decode } = models.expert;
  const promptIds = encode(item.prompt);
  const maxTokens = encode(item.answer).length + EXTRA_TOKENS;
  const outcomes: DolaOutcome[] = [];
  for (const config of configs) {
    const s = session(config, memo, promptIds);
    const generated: number[] = [];
    const layers: number[] = [];
    let verdict: Verdict = 'undecided';
    while (verdict === 'undecided') {
      const outcome = await s.step();
      const ended = outcome.kind === 'stopped' || generated.length + outcome.tokens.length >= maxTokens;
      if (outcome.kind === 'step') {
        generated.push(...outcome.tokens);
        const trace = outcome.trace as { prematureLayer?: number };
        if (trace.prematureLayer !== undefined) layers.push(trace.prematureLayer);
      }
      const eos = models.expert.model.info.eosTokenIds;
      const text = decode(generated.filter((t) => !eos.includes(t)));
      verdict = judgeCompletion(text, item.answer, ended);
    }
    outcomes.push({ config: config.key, promptIndex, verdict, text: decode(generated), layers });
  }
  memo.clear();
  return outcomes;
}

export function summarizeDola(
  config: DolaConfig,
  candidateLayers: number[],
  outcomes: readonly DolaOutcome[],
  prompts: readonly FactualPrompt[],
  originalRelations: ReadonlySet<string>,
): DolaRow {
  const { key, ...rest } = config;
  const mine = outcomes.filter((o) => o.config === key);
  const original = mine.filter((o) => originalRelations.has(prompts[o.promptIndex].relation));
  const originalCorrect = original.filter((o) => o.verdict === 'correct').length;
  const byRelation: Record<string, number> = {};
  for (const relation of [...new Set(prompts.map((p) => p.relation))]) {
    const subset = mine.filter((o) => prompts[o.promptIndex].relation === relation);
    byRelation[relation] = subset.filter((o) => o.verdict === 'correct').length / subset.length;
  }
  const layerChoices: Record<string, number> = {};
  if (config.bucket === 'low' || config.bucket === 'high') {
    for (const o of mine) for (const l of o.layers) layerChoices[l] = (layerChoices[l] ?? 0) + 1;
  }
  const correct = mine.filter((o) => o.verdict === 'correct').length;
  return {
    config: key,
    ...rest,
    candidateLayers,
    prompts: mine.length,
    correct,
    accuracy: correct / mine.length,
    originalPrompts: original.length,
    originalCorrect,
    originalAccuracy: original.length > 0 ? originalCorrect / original.length : Number.NaN,
    byRelation,
    layerChoices,
  };
}

/** The per-relation accuracies and layer choices as flat records (one per config and relation / layer), for charts. */
export function flattenDola(rows: readonly DolaRow[]): {
  byRelation: { config: string; method: string; bucket: string | null; layer: number | null; divergence: string | null; repetitionPenalty: number; relation: string; accuracy: number }[];
  layerChoices: { config: string; bucket: string | null; divergence: string | null; layer: number; count: number }[];
} {
  return {
    byRelation: rows.flatMap((r) =>
      Object.entries(r.byRelation).map(([relation, accuracy]) => ({
        config: r.config,
        method: r.method,
        bucket: r.bucket,
        layer: r.layer,
        divergence: r.divergence,
        repetitionPenalty: r.repetitionPenalty,
        relation,
        accuracy,
      })),
    ),
    layerChoices: rows.flatMap((r) =>
      Object.entries(r.layerChoices).map(([layer, count]) => ({ config: r.config, bucket: r.bucket, divergence: r.divergence, layer: Number(layer), count })),
    ),
  };
}
