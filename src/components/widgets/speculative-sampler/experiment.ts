/**
 * The "prove it is exact" experiment: many speculative rounds from one fixed prefix, each from a
 * fresh seed, and the distribution of the first emitted token next to the target's own p at that
 * prefix. A control runs target-only sampling the same number of times, so the reader sees how
 * large a total variation distance sampling noise alone gives for this many rounds.
 *
 * Everything goes through the page's runtime client; the numbers are the sessions' own tokens
 * and traces, and the distance is the decoding core's totalVariation.
 */
import { totalVariation, type SamplingTrace } from '../../../lib/decoding';
import type { RuntimeClient, SessionHandle } from '../../../lib/runtime/client';
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { BUNDLED_PAIR, type ModelPair } from '../../../lib/runtime/registry';
import { speculativeSpec, targetSpec, type SpeculativeParams } from './params';

export interface ExactnessRow {
  token: number;
  target: number;
  empirical: number;
  control: number;
}

export interface ExactnessResult {
  rounds: number;
  /** The seeds used, first..last (round i uses firstSeed + i). */
  firstSeed: number;
  /** TV between the empirical distribution of speculative sampling's first token and p. */
  tv: number;
  /** TV between target-only sampling's first token over as many seeds and p: the noise level. */
  controlTv: number;
  /** Tokens by p, then any other token that came out, with the three distributions. */
  rows: ExactnessRow[];
}

export interface ExactnessOptions {
  rounds: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The seed of round i: seeds after the widget's own, so the experiment is replayable. */
export function experimentSeed(params: SpeculativeParams, i: number): number {
  return params.seed + 1 + i;
}

/** The target's processed distribution at the prompt: the first step of target-only sampling. */
async function targetDistribution(client: RuntimeClient, params: SpeculativeParams, vocabSize: number, pair: ModelPair): Promise<Float32Array> {
  const handle = await client.open(targetSpec(params, vocabSize, pair));
  try {
    const reply = await handle.step();
    if (reply.kind !== 'step') throw new Error(`The target stopped at the prompt: ${reply.message}`);
    const trace = reply.trace as SamplingTrace;
    const p = new Float32Array(vocabSize);
    // Greedy (T = 0) puts all mass on its choice; `after` then lists temperature-1 scores.
    if (params.temperature === 0) p[trace.token] = 1;
    else for (const row of trace.after) p[row.token] = row.prob;
    return p;
  } finally {
    await handle.dispose().catch(() => undefined);
  }
}

/** First emitted token of one step of `spec` for each seed. */
async function firstTokens(
  client: RuntimeClient,
  spec: SessionSpec,
  params: SpeculativeParams,
  options: ExactnessOptions,
  report: (done: number) => void,
): Promise<number[]> {
  const handle: SessionHandle = await client.open(spec);
  const tokens: number[] = [];
  try {
    for (let i = 0; i < options.rounds; i++) {
      if (options.signal?.aborted) throw new DOMException('The experiment was stopped.', 'AbortError');
      await handle.reset(experimentSeed(params, i));
      const reply = await handle.step({ signal: options.signal });
      if (reply.kind !== 'step') throw new Error(`The session stopped at the prompt: ${reply.message}`);
      tokens.push(reply.tokens[0]);
      report(i + 1);
    }
  } finally {
    await handle.dispose().catch(() => undefined);
  }
  return tokens;
}

function distributionOf(tokens: readonly number[], vocabSize: number): Float32Array {
  const d = new Float32Array(vocabSize);
  for (const t of tokens) d[t] += 1 / tokens.length;
  return d;
}

/** Rows for the chart and table: the `top` most likely tokens under p, then every other token seen. */
function rowsOf(p: Float32Array, empirical: Float32Array, control: Float32Array, top: number): ExactnessRow[] {
  const ids = [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, top);
  const seen = new Set(ids);
  const extra = [...empirical.keys()].filter((t) => empirical[t] > 0 && !seen.has(t)).sort((a, b) => empirical[b] - empirical[a] || a - b);
  return [...ids, ...extra].map((token) => ({ token, target: p[token], empirical: empirical[token], control: control[token] }));
}

export async function runExactness(
  client: RuntimeClient,
  params: SpeculativeParams,
  options: ExactnessOptions,
  pair: ModelPair = BUNDLED_PAIR,
  top = 12,
): Promise<ExactnessResult> {
  // One more reference to each model, so a widget released meanwhile cannot free them mid-run.
  const loaded = await client.load(pair.large);
  await client.load(pair.small);
  try {
    const vocabSize = loaded.model.vocabSize;
    const p = await targetDistribution(client, params, vocabSize, pair);
    const total = 2 * options.rounds;
    const speculative = await firstTokens(client, speculativeSpec(params, pair), params, options, (done) => options.onProgress?.(done, total));
    const control = await firstTokens(client, targetSpec(params, 1, pair), params, options, (done) =>
      options.onProgress?.(options.rounds + done, total),
    );
    const empirical = distributionOf(speculative, vocabSize);
    const controlDist = distributionOf(control, vocabSize);
    return {
      rounds: options.rounds,
      firstSeed: experimentSeed(params, 0),
      tv: totalVariation(empirical, p),
      controlTv: totalVariation(controlDist, p),
      rows: rowsOf(p, empirical, controlDist, top),
    };
  } finally {
    await client.releaseModel(pair.large).catch(() => undefined);
    await client.releaseModel(pair.small).catch(() => undefined);
  }
}
