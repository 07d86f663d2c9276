/**
 * The results page reads bench/results.json and eval/results.json at build time. These are the
 * fields it uses (the full shapes are in bench/types.ts and eval/report.ts); a renamed field makes
 * `astro check` fail here rather than leaving an empty chart. The functions reshape records into
 * the flat rows the charts and tables draw.
 */
import type { LoadPhases, StepProfile } from '../runtime/protocol';
import { median } from '../stats/median';

export interface BenchSpeculative {
  device: string;
  temperature: number;
  gamma: number;
  tokens: number;
  measuredSpeedup: number;
  expectedSpeedup: number;
  alpha: number;
  costRatio: number;
  meanTokensPerRound: number;
  specTokensPerSecond: number;
  targetTokensPerSecond: number;
  /** Target forward time per verification round (gamma + 1 positions in one call). */
  targetMsPerRound: number;
  /** Target forward time per step of target-only decoding. */
  targetOnlyStepMs: number;
}

export interface BenchStep {
  method: string;
  label: string;
  models: string;
  device: string;
  medianMsPerToken: number;
  medianForwardMsPerStep: number;
  tokensPerStep: number;
  /** Where a step's time went (bench/types.ts StepBreakdown); absent in results written before it existed. */
  breakdown?: (StepProfile & { wallMs: number; messagingMs: number; jsMs: number }) | null;
}

/** The expert's bare run timed in each repetition of the step timings (bench/types.ts StepFloorRecord). */
export interface BenchStepFloor {
  device: string;
  model: string;
  contextTokens: number;
  repBareRunMs: number[];
}

export interface BenchKv {
  model: string;
  device: string;
  contextTokens: number;
  cachedMedianMs: number;
  recomputeMedianMs: number;
  speedup: number;
  /** onnxruntime's bare run on the cached step's inputs: the floor under a step. */
  bareRunMedianMs?: number;
}

export interface BenchLoad {
  model: string;
  device: string;
  cache: 'cold' | 'warm' | string;
  worker: 'fresh' | 'runtime-started' | string;
  /** Absent in results written before the benchmark measured an on-disk profile. */
  profile?: 'off-the-record' | 'on-disk' | string;
  reps: number;
  medianMs: number;
  /** The worker's own time until the model was ready, without the warm-up forward pass. */
  medianLoadMs: number;
  medianWarmupMs: number;
  bytesFetched: number;
  /** Absent in results written before loads were split into phases (protocol.ts LoadPhases). */
  medianPhases?: LoadPhases;
}

/** onnxruntime-web's wasm compiled on its own in the page, on a reader's later visit. */
export interface BenchRuntimeCompile {
  file: string;
  bytes: number;
  reps: number;
  medianMs: number;
}

export interface BenchResultsView {
  date: string;
  wallSeconds: number;
  quick: boolean;
  machine: { cpu: string; cores: number; os: string; memoryGiB: number; loadAverageStart: number; loadAverageEnd: number };
  browser: { name: string; version: string };
  backends: Array<{ device: string; name: string; software: boolean; detail: string }>;
  loads: BenchLoad[];
  /** Absent (or null) in results written before the benchmark timed the compile on its own. */
  runtimeCompile?: BenchRuntimeCompile | null;
  /** Absent (or null) in results written before the benchmark timed touching fresh memory. */
  memoryTouch?: { bytes: number; freshMs: number; reusedMs: number } | null;
  steps: BenchStep[];
  kvCache: BenchKv[];
  /** Absent in results written before the floor was timed beside the steps. */
  stepFloors?: BenchStepFloor[];
  speculative: BenchSpeculative[];
  bundle: {
    pages: Array<{ page: string; jsGzipBytes: number }>;
    onDemand: Array<{ name: string; gzipBytes: number; bytes: number }>;
    models: Array<{ model: string; bytes: number }>;
    modelsTotalBytes: number;
  };
  notes: string[];
}

export interface EvalTextRecord {
  config: string;
  method: string;
  variant: string | null;
  alpha: number | null;
  beta: number | null;
  /** li2022's amateur temperature tau (null for the other methods). */
  amateurTemperature: number | null;
  prompts: number;
  newTokens: number;
  rep2: number;
  rep3: number;
  rep4: number;
  /** Per continuation on token ids, averaged. */
  diversity: number;
  /** SimCTG's corpus measure on words, as the CD paper's numbers were computed. */
  wordDiversity: number;
  distinct2: number;
  perplexity: number;
}

export interface EvalDolaRecord {
  config: string;
  method: string;
  bucket: string | null;
  layer: number | null;
  divergence: string | null;
  repetitionPenalty: number;
  prompts: number;
  correct: number;
  accuracy: number;
  /** On the original relations only (the first family's 988 prompts). */
  originalPrompts: number;
  originalCorrect: number;
  originalAccuracy: number;
}

export interface EvalSpeculativeRecord {
  prefixTokens: number;
  gamma: number;
  temperature: number;
  rounds: number;
  tv: number;
  tvDirectTarget: number;
  chiSquare: number;
  dof: number;
  pValue: number;
  pValueDraftSamples: number;
  firstAcceptRate: number;
  firstAcceptTheory: number;
}

export interface EvalResultsView {
  meta: {
    date: string;
    durationSeconds: number;
    quick: boolean;
    machine: { cpus: number; cpuModel: string; loadAverage1m: number; node: string };
  };
  text: EvalTextRecord[];
  sweep: EvalTextRecord[];
  dola: EvalDolaRecord[];
  speculative: EvalSpeculativeRecord[];
}

/** One point of the speculative chart: measured or predicted speed-up at one gamma and temperature. */
export interface SpeedupPoint {
  gamma: number;
  temperature: number;
  series: string;
  speedup: number;
}

export const MEASURED = 'measured';
export const PREDICTED = 'predicted from α and c';

export function speedupPoints(records: readonly BenchSpeculative[]): SpeedupPoint[] {
  return records.flatMap((r) => [
    { gamma: r.gamma, temperature: r.temperature, series: MEASURED, speedup: r.measuredSpeedup },
    { gamma: r.gamma, temperature: r.temperature, series: PREDICTED, speedup: r.expectedSpeedup },
  ]);
}

/** One bar of the repetition chart: a method's rep-n for one n. */
export interface RepetitionBar {
  method: string;
  metric: 'rep-2' | 'rep-3' | 'rep-4';
  percent: number;
}

export function repetitionBars(records: readonly EvalTextRecord[]): RepetitionBar[] {
  return records.flatMap((r) => [
    { method: methodLabel(r), metric: 'rep-2' as const, percent: r.rep2 },
    { method: methodLabel(r), metric: 'rep-3' as const, percent: r.rep3 },
    { method: methodLabel(r), metric: 'rep-4' as const, percent: r.rep4 },
  ]);
}

/** A reader-facing name for an open-ended generation configuration. */
export function methodLabel(r: Pick<EvalTextRecord, 'config' | 'method' | 'variant' | 'alpha' | 'beta' | 'amateurTemperature'>): string {
  if (r.method === 'contrastive' && r.variant === 'li2022') return `CD li2022 (α ${r.alpha}, τ ${r.amateurTemperature})`;
  if (r.method === 'contrastive' && r.variant === 'obrien2023') return `CD obrien2023 (β ${r.beta})`;
  if (r.config.startsWith('nucleus')) return 'Nucleus (p 0.95)';
  if (r.config.startsWith('top-k')) return 'Top-k (50)';
  if (r.method === 'greedy') return 'Greedy';
  return r.config;
}

/** DoLa accuracy: static layers as bars, and the rows without a fixed layer as reference lines. */
export interface DolaLayerBar {
  layer: number;
  accuracy: number;
}
export interface DolaReference {
  label: string;
  accuracy: number;
}

export function dolaLayerBars(records: readonly EvalDolaRecord[]): DolaLayerBar[] {
  return records
    .filter((r) => r.bucket === 'static' && r.layer !== null)
    .map((r) => ({ layer: r.layer as number, accuracy: r.accuracy }))
    .sort((a, b) => a.layer - b.layer);
}

/**
 * The rows without a fixed layer as reference lines, one per distinct accuracy, named briefly
 * (rows at the same accuracy share a line: e.g. both divergences of a one-layer bucket).
 */
export function dolaReferences(records: readonly EvalDolaRecord[]): DolaReference[] {
  const lines = new Map<number, Set<string>>();
  for (const r of records.filter((r) => r.bucket !== 'static')) {
    const name = r.method === 'greedy' ? 'greedy' : `dynamic, ${r.bucket} bucket`;
    lines.set(r.accuracy, (lines.get(r.accuracy) ?? new Set()).add(name));
  }
  return [...lines].map(([accuracy, names]) => ({ label: [...names].join(' · '), accuracy })).sort((a, b) => a.accuracy - b.accuracy);
}

export function dolaLabel(r: Pick<EvalDolaRecord, 'method' | 'bucket' | 'layer' | 'divergence' | 'repetitionPenalty'>): string {
  const penalty = r.repetitionPenalty !== 1 ? `, penalty ${r.repetitionPenalty}` : '';
  if (r.method === 'greedy') return `Greedy${penalty}`;
  if (r.bucket === 'static') return `DoLa, static layer ${r.layer}${penalty}`;
  return `DoLa, ${r.bucket} bucket, ${r.divergence === 'jsd' ? 'JSD (paper)' : 'reference divergence'}${penalty}`;
}

/** The best row of a list by a score, or undefined for an empty list. */
export function best<T>(rows: readonly T[], score: (row: T) => number): T | undefined {
  return rows.reduce<T | undefined>((top, row) => (top === undefined || score(row) > score(top) ? row : top), undefined);
}

/**
 * The floor under a step of `model` on `device`: onnxruntime's bare run timed in every repetition
 * of the step timings (its median over them; `repetitions` says how many), else, in results
 * written before that, the KV-cache table's at 32 tokens (`repetitions` null), timed later.
 */
export function stepFloor(
  bench: Pick<BenchResultsView, 'stepFloors' | 'kvCache'>,
  device: string,
  model: string,
): { ms: number; repetitions: number | null } | null {
  const beside = bench.stepFloors?.find((f) => f.device === device && f.model === model)?.repBareRunMs;
  if (beside && beside.length > 0) return { ms: median(beside), repetitions: beside.length };
  const kv = bench.kvCache.find((k) => k.model === model && k.device === device && k.contextTokens === 32)?.bareRunMedianMs;
  return kv === undefined ? null : { ms: kv, repetitions: null };
}

/** Creating the model's session, after both the runtime's start and the weights it needs. */
export function sessionCreationMs(phases: LoadPhases): number {
  return phases.sessionMs - Math.max(phases.runtimeMs ?? 0, phases.weightsMs);
}

/** Milliseconds as the results show them: whole from 100 up, two decimals below. */
export const ms = (value: number): string => `${value.toFixed(Math.abs(value) >= 100 ? 0 : 2)} ms`;

/**
 * The parts of a cached load the benchmark times on their own (touching fresh memory, compiling
 * onnxruntime's wasm), one sentence each, for results.md and the results page.
 */
export function loadFloorSentences(bench: Pick<BenchResultsView, 'memoryTouch' | 'runtimeCompile'>): string[] {
  const sentences: string[] = [];
  const touch = bench.memoryTouch;
  if (touch) {
    sentences.push(
      `Touching fresh memory on this machine: copying ${touch.bytes.toLocaleString('en')} bytes (the expert's weights) into a newly allocated buffer took ${ms(touch.freshMs)}, into the same buffer again ${ms(touch.reusedMs)}.`,
    );
  }
  const compile = bench.runtimeCompile;
  if (compile) {
    sentences.push(
      `Compiling onnxruntime-web's wasm alone (${compile.file}, ${compile.bytes.toLocaleString('en')} bytes, WebAssembly.compileStreaming in a page, from the on-disk profile's caches after its visits): median ${ms(compile.medianMs)} over ${compile.reps} visits.`,
    );
  }
  return sentences;
}

/**
 * A load's phases as one cell: onnxruntime started / weights read / model ready, milliseconds from
 * the load's start ('—' for a runtime an earlier load had started; '' for results without phases).
 */
export function loadPhasesCell(phases: BenchLoad['medianPhases']): string {
  if (!phases) return '';
  const at = (value: number | null) => (value === null ? '—' : value.toFixed(0));
  return `${at(phases.runtimeMs)} / ${at(phases.weightsMs)} / ${at(phases.sessionMs)}`;
}

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)} %`;
}
