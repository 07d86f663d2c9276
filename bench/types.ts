/**
 * The shape of bench/results.json. Every measurement section is an array of flat records (one
 * row per configuration, medians over repetitions), ready for a table or an Observable Plot mark.
 * Times are milliseconds unless a field says otherwise; bytes are bytes.
 */
import type { LoadPhases, StepProfile } from '../src/lib/runtime/protocol';
import type { BundleReport } from './bundle';

export interface LoadRecord {
  model: string;
  device: string;
  /** cold: a fresh browser context (nothing cached); warm: the page reloaded, models from the Cache API. */
  cache: 'cold' | 'warm';
  /**
   * fresh: the model is the first in a new worker, so the time includes starting onnxruntime-web
   * (compiling its wasm); runtime-started: another model had already started it in that worker.
   */
  worker: 'fresh' | 'runtime-started';
  /**
   * off-the-record: Playwright's default context, which keeps no code cache; on-disk: a regular
   * browser profile, as a reader's, where Chromium caches compiled wasm and scripts between visits.
   */
  profile: 'off-the-record' | 'on-disk';
  reps: number;
  /** Page-side wall time of client.load (fetch, session creation, first forward pass). */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** The worker's own time until the model was ready, without the warm-up forward pass. */
  medianLoadMs: number;
  /** The first forward pass, run once after loading (WebGPU compiles its shaders here). */
  medianWarmupMs: number;
  /** Model bytes that arrived over the network (0 when everything came from the cache). */
  bytesFetched: number;
  /** Medians of the load's phases (protocol.ts LoadPhases): each the time from the load's start until that part was done. */
  medianPhases: LoadPhases;
}

/** Copying the expert's bytes into freshly allocated memory, then into the same memory again, in the page. */
export interface MemoryTouchRecord {
  bytes: number;
  reps: number;
  freshMs: number;
  reusedMs: number;
}

/** onnxruntime-web's wasm compiled on its own in the page (WebAssembly.compileStreaming), on a reader's later visits. */
export interface RuntimeCompileRecord {
  file: string;
  bytes: number;
  /** Where the bytes came from: the on-disk profile's HTTP cache, its code cache warm from the visits before. */
  profile: 'on-disk';
  reps: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export interface StepFloorRecord {
  device: string;
  model: string;
  contextTokens: number;
  /** Median bare run within each repetition, in order. */
  repBareRunMs: number[];
}

export interface StepRecord {
  /** greedy | top-p | beam | cd | dola | speculative */
  method: string;
  label: string;
  /** Models the method runs, '+'-joined (expert+amateur for CD and speculative). */
  models: string;
  device: string;
  /** Timed steps in all (prefill steps and warm-up not counted). */
  steps: number;
  reps: number;
  /** Untimed steps each method took before any was timed (all methods warmed up first, then the repetitions). */
  warmupSteps: number;
  /** Wall time of one step as the page sees it, divided by the tokens it emitted. */
  medianMsPerToken: number;
  medianMsPerStep: number;
  /** Model forward time inside the step (the worker's timing, all models summed). */
  medianForwardMsPerStep: number;
  /** 1 except for speculative rounds (a beam step advances every beam by one position). */
  tokensPerStep: number;
  /** Where a step's time went (medians over the timed steps; null when the worker sent no profile). */
  breakdown: StepBreakdown | null;
  minMsPerToken: number;
  maxMsPerToken: number;
}

/**
 * One step's cost, split: the worker's profile (its forward passes' phases, every model of the
 * step summed), messaging = the page's wall time - the worker's, and jsMs = everything else the
 * worker did: the decoding work over the vocabulary (softmax, processors, sampling, traces).
 */
export interface StepBreakdown extends StepProfile {
  wallMs: number;
  messagingMs: number;
  jsMs: number;
}

export interface KvRecord {
  model: string;
  device: string;
  contextTokens: number;
  repeats: number;
  /** One new token on a KV cache of contextTokens - 1 tokens. */
  cachedMedianMs: number;
  /** The whole context in one forward pass, nothing cached. */
  recomputeMedianMs: number;
  /** recompute / cached. */
  speedup: number;
  /** onnxruntime's run alone on the cached step's inputs (no layer_logits): the floor under a step. */
  bareRunMedianMs: number;
}

export interface SpeculativeRecord {
  device: string;
  temperature: number;
  gamma: number;
  /** Tokens generated per run (a run may overshoot by up to gamma). */
  tokens: number;
  reps: number;
  targetOnlyRuns: number;
  /** Median over runs of generated tokens / wall time of runTo (prefill included). */
  specTokensPerSecond: number;
  /** The same for target-only decoding at the same temperature, in the same run. */
  targetTokensPerSecond: number;
  measuredSpeedup: number;
  meanTokensPerRound: number;
  meanAcceptedPerRound: number;
  /** estimateAlpha(meanTokensPerRound, gamma). */
  alpha: number;
  /** Draft forward time per drafted token (first round, which reads the prompt, left out). */
  draftMsPerToken: number;
  /** Target forward time per verification round (gamma + 1 positions in one call). */
  targetMsPerRound: number;
  /** Target forward time per step of target-only decoding, for reference. */
  targetOnlyStepMs: number;
  /** 1000 / targetTokensPerSecond: the step's whole cost as the page sees it, model and JS work. */
  targetOnlyWallMsPerToken: number;
  /** c = draftMsPerToken / targetMsPerRound. */
  costRatio: number;
  /** expectedSpeedup(alpha, gamma, c) (Leviathan et al.). */
  expectedSpeedup: number;
}

export interface BackendInfo {
  device: string;
  name: string;
  adapter: string | null;
  software: boolean;
  detail: string;
}

export interface BenchResults {
  schema: 1;
  date: string;
  wallSeconds: number;
  quick: boolean;
  machine: {
    cpu: string;
    cores: number;
    os: string;
    memoryGiB: number;
    node: string;
    loadAverageStart: number;
    loadAverageEnd: number;
  };
  browser: { name: string; version: string; executable: string };
  backends: BackendInfo[];
  settings: Record<string, unknown>;
  phases: Array<{ phase: string; seconds: number }>;
  loads: LoadRecord[];
  runtimeCompile: RuntimeCompileRecord | null;
  memoryTouch: MemoryTouchRecord | null;
  steps: StepRecord[];
  kvCache: KvRecord[];
  /** onnxruntime's bare run of the expert, timed once in each repetition of the step timings, beside them. */
  stepFloors: StepFloorRecord[];
  speculative: SpeculativeRecord[];
  bundle: BundleReport;
  notes: string[];
}
