/**
 * The functions the benchmark runs inside the page /dev/runtime/ with page.evaluate. Each is
 * serialized on its own, so it may use only its argument and `window` (no imports, no helpers
 * from this module). They drive window.decodingRuntime (the site's own worker client) and keep
 * one client per device on window.__bench between calls.
 */
// A type only, erased before the functions are serialized.
import type { LoadPhases, StepProfile } from '../src/lib/runtime/protocol';

/** The slice of RuntimeClient / SessionHandle the benchmark uses (the real ones run in the page). */
interface StepLike {
  kind: 'step' | 'stopped';
  tokens: number[];
  timing: Record<string, number>;
  profile?: StepProfile;
  trace: { accepted?: number; gamma?: number };
}
interface SessionLike {
  step(): Promise<StepLike>;
  runTo(tokens: number, options?: { onStep?: (step: StepLike) => void }): Promise<{ steps: number; stop: unknown }>;
  reset(seed?: number): Promise<unknown>;
  dispose(): Promise<unknown>;
}
interface LoadResultLike {
  device: { device: string; reason: string; threads?: { threads: number; reason: string } };
  bytes: number;
  loadMs: number;
  warmupMs: number;
  phases: LoadPhases;
  shared: boolean;
}
interface ClientLike {
  load(model: string, options: { device: string }): Promise<LoadResultLike>;
  open(spec: unknown): Promise<SessionLike>;
  measureForward(
    model: string,
    contextTokens: number,
    repeats: number,
    options?: { bareOnly?: boolean },
  ): Promise<{ cachedMs: number[]; recomputeMs: number[]; bareRunMs: number[] }>;
  close(): void;
}
interface BenchWindow {
  decodingRuntime: { createBrowserRuntime(): ClientLike };
  __bench?: Record<string, ClientLike>;
}

export interface LoadSample {
  wallMs: number;
  loadMs: number;
  warmupMs: number;
  phases: LoadResultLike['phases'];
  bytes: number;
  device: string;
  reason: string;
  /** On WASM: onnxruntime's threads and why that many (empty elsewhere). */
  threads: string;
}

/** One model load in a fresh worker, timed from the page (the worker's own times alongside). */
export async function loadOnce(arg: { model: string; device: string }): Promise<LoadSample> {
  const w = window as unknown as BenchWindow;
  const client = w.decodingRuntime.createBrowserRuntime();
  try {
    const start = performance.now();
    const loaded = await client.load(arg.model, { device: arg.device });
    const wallMs = performance.now() - start;
    return {
      wallMs,
      loadMs: loaded.loadMs,
      warmupMs: loaded.warmupMs,
      phases: loaded.phases,
      bytes: loaded.bytes,
      device: loaded.device.device,
      reason: loaded.device.reason,
      threads: loaded.device.threads?.reason ?? '',
    };
  } finally {
    client.close();
  }
}

/** Compiles one wasm file on its own, as onnxruntime-web does (streaming, from the HTTP cache when it holds it). */
export async function compileWasm(arg: { url: string }): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const response = await fetch(arg.url);
  const bytes = Number(response.headers.get('content-length') ?? 0);
  await WebAssembly.compileStreaming(response);
  return { ms: performance.now() - start, bytes };
}

/**
 * How slow freshly allocated memory is to touch on this machine: `bytes` copied into a new buffer
 * (its pages touched for the first time), then into the same buffer again; one time each per rep.
 */
export async function touchMemory(arg: { bytes: number; reps: number }): Promise<{ freshMs: number[]; reusedMs: number[] }> {
  const source = new Uint8Array(arg.bytes).fill(1);
  const fresh: number[] = [];
  const reused: number[] = [];
  for (let rep = 0; rep < arg.reps; rep++) {
    const target = new Uint8Array(arg.bytes);
    let start = performance.now();
    target.set(source);
    fresh.push(performance.now() - start);
    start = performance.now();
    target.set(source);
    reused.push(performance.now() - start);
  }
  return { freshMs: fresh, reusedMs: reused };
}

/** What the browser says about WebGPU: null when it has no adapter. */
export async function webgpuAdapter(): Promise<{ vendor: string; architecture: string; description: string; fallback: boolean } | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  const adapter = (await gpu.requestAdapter()) as { info?: Record<string, string>; isFallbackAdapter?: boolean } | null;
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    fallback: Boolean(adapter.isFallbackAdapter),
  };
}

/**
 * Starts (once) the backend's client and loads the models; returns each load's result. `device` is
 * the backend's key: 'wasm-1thread' is WASM on a page that is not cross-origin isolated.
 */
export async function prepareClient(arg: { device: string; models: string[] }): Promise<Array<LoadSample & { model: string; shared: boolean }>> {
  const w = window as unknown as BenchWindow;
  w.__bench ??= {};
  w.__bench[arg.device] ??= w.decodingRuntime.createBrowserRuntime();
  const client = w.__bench[arg.device];
  const results: Array<LoadSample & { model: string; shared: boolean }> = [];
  for (const model of arg.models) {
    const start = performance.now();
    const loaded = await client.load(model, { device: arg.device.startsWith('wasm') ? 'wasm' : arg.device });
    results.push({
      model,
      shared: loaded.shared,
      wallMs: performance.now() - start,
      loadMs: loaded.loadMs,
      warmupMs: loaded.warmupMs,
      phases: loaded.phases,
      bytes: loaded.bytes,
      device: loaded.device.device,
      reason: loaded.device.reason,
      threads: loaded.device.threads?.reason ?? '',
    });
  }
  return results;
}

export interface StepSample {
  rep: number;
  wallMs: number;
  forwardMs: number;
  tokens: number;
  profile: StepProfile | null;
}

/**
 * Per-step latency of one session: `warmup` untimed steps, then per repetition a reset, one
 * untimed step (it reads the whole prompt: prefill, not a decoding step) and `steps` timed steps.
 */
export async function stepLatency(arg: {
  device: string;
  spec: { method: string };
  warmup: number;
  reps: number;
  steps: number;
}): Promise<StepSample[]> {
  const w = window as unknown as BenchWindow;
  const client = w.__bench?.[arg.device];
  if (!client) throw new Error(`no client for ${arg.device}; call prepareClient first`);
  const session = await client.open(arg.spec);
  const samples: StepSample[] = [];
  try {
    for (let i = 0; i < arg.warmup; i++) {
      const step = await session.step();
      if (step.kind !== 'step') await session.reset();
    }
    for (let rep = 0; rep < arg.reps; rep++) {
      await session.reset();
      await session.step();
      for (let i = 0; i < arg.steps; i++) {
        const start = performance.now();
        const step = await session.step();
        const wallMs = performance.now() - start;
        if (step.kind !== 'step') break;
        const forwardMs = Object.values(step.timing).reduce((a, b) => a + b, 0);
        // A speculative round emits several tokens; every other method one position per step.
        const tokens = arg.spec.method === 'speculative' ? step.tokens.length : 1;
        samples.push({ rep, wallMs, forwardMs, tokens, profile: step.profile ?? null });
      }
    }
  } finally {
    await session.dispose();
  }
  return samples;
}

/** KV cache vs full recompute (the worker times both on the same model in the same call); bareOnly: the bare run alone. */
export async function kvCache(arg: {
  device: string;
  model: string;
  contextTokens: number;
  repeats: number;
  bareOnly?: boolean;
}): Promise<{ cachedMs: number[]; recomputeMs: number[]; bareRunMs: number[] }> {
  const w = window as unknown as BenchWindow;
  const client = w.__bench?.[arg.device];
  if (!client) throw new Error(`no client for ${arg.device}; call prepareClient first`);
  const result = await client.measureForward(arg.model, arg.contextTokens, arg.repeats, { bareOnly: arg.bareOnly === true });
  return { cachedMs: result.cachedMs, recomputeMs: result.recomputeMs, bareRunMs: result.bareRunMs };
}

export interface RunSample {
  wallMs: number;
  tokens: number;
  rounds: Array<{ tokens: number; accepted: number; gamma: number; draftMs: number; targetMs: number; modelMs: number }>;
}

/** One whole generation of `tokens` tokens, wall time around runTo (prefill included). */
export async function timedRun(arg: { device: string; spec: unknown; tokens: number }): Promise<RunSample> {
  const w = window as unknown as BenchWindow;
  const client = w.__bench?.[arg.device];
  if (!client) throw new Error(`no client for ${arg.device}; call prepareClient first`);
  const session = await client.open(arg.spec);
  const rounds: RunSample['rounds'] = [];
  try {
    const start = performance.now();
    await session.runTo(arg.tokens, {
      onStep: (step) =>
        rounds.push({
          tokens: step.tokens.length,
          accepted: step.trace.accepted ?? 0,
          gamma: step.trace.gamma ?? 0,
          draftMs: step.timing.draft ?? 0,
          targetMs: step.timing.target ?? 0,
          modelMs: step.timing.model ?? 0,
        }),
    });
    const wallMs = performance.now() - start;
    return { wallMs, tokens: rounds.reduce((a, r) => a + r.tokens, 0), rounds };
  } finally {
    await session.dispose();
  }
}
