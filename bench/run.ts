/**
 * `npm run bench`: the browser benchmark. Builds the site into its own folder if needed, serves it
 * on 127.0.0.1, drives headless Chromium (Playwright's library API, the system Chromium) against
 * /dev/runtime/ and measures, with warm-up and repetitions, reporting medians:
 *   loads        cold (fresh browser context) and warm (reload: models from the Cache API), and
 *                the expert over a reader's visits in an on-disk profile (Chromium's code cache)
 *   steps        per-token step latency of every method, WASM and (if the browser has it) WebGPU
 *   kvCache      one cached step vs full recompute at 32, 128, 256 tokens of context
 *   speculative  tokens/s vs target-only decoding, gamma 1..8, T = 0 and 1, next to
 *                expectedSpeedup(alpha, gamma, c) from the measured alpha and cost ratio c
 *   bundle       JavaScript per page (gzipped), code loaded on demand, bundled model bytes
 * Writes bench/results.json and bench/results.md. Nothing asserts a time: it is a benchmark.
 *
 * Flags: --quick (few repetitions, WASM only; a smoke run), --no-webgpu, --site DIR (build folder,
 * default bench/.site), --port N (default 4390), --out DIR (default bench), --note TEXT, --budget S
 * (seconds after which the slow WebGPU KV-cache runs are skipped, default 500).
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateAlpha, expectedSpeedup } from '../src/lib/decoding/speculative';
import { measureBundle } from './bundle';
import * as inPage from './in-page';
import { METHODS, PROMPT, specOf, type BenchMethod } from './methods';
import { launchProfile, prepareContext, visitAndCompile, visitAndLoad, waitForRuntime } from './runtime-page';
import { ORT_BUILDS, ORT_DIR } from '../src/lib/runtime/worker/ort-files';
import { renderMarkdown } from './report';
import { ISOLATION_HEADERS } from '../integrations/security-policy.mjs';
import { serveStatic } from './server';
import { ensureBuilt } from './site';
import { mean, median, round, sum } from './stats';
import type { StepProfile } from '../src/lib/runtime/protocol';
import type { BenchResults, KvRecord, LoadRecord, MemoryTouchRecord, RuntimeCompileRecord, SpeculativeRecord, StepBreakdown, StepFloorRecord, StepRecord } from './types';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const QUICK = flag('quick');
const WEBGPU = !QUICK && !flag('no-webgpu');
const SITE = resolve(ROOT, option('site', 'bench/.site'));
const PORT = Number(option('port', '4390'));
const OUT = resolve(ROOT, option('out', 'bench'));
/** After this many seconds the optional, slow WebGPU extras (large-context KV runs) are skipped. */
const SOFT_BUDGET_S = Number(option('budget', '500'));

/** Repetitions: sized so the full run stays near 8 minutes on a loaded 2-core machine. */
const PLAN = QUICK
  ? { loadReps: 1, wasmSteps: { warmup: 2, reps: 1, steps: 4 }, kvRepeats: 2, specReps: 1, specTokens: 16, gammas: [1, 4], temps: [0, 1] }
  : { loadReps: 3, wasmSteps: { warmup: 24, reps: 8, steps: 6 }, kvRepeats: 8, specReps: 5, specTokens: 48, gammas: [1, 2, 3, 4, 5, 6, 7, 8], temps: [0, 1] };
const WEBGPU_STEPS = { warmup: 0, reps: 1, steps: 3 };
const LOAD_MODELS = ['amateur', 'expert', 'expert-early'];
const KV_CONTEXTS = [32, 128, 256];


const started = Date.now();
const elapsedS = (): number => (Date.now() - started) / 1000;
const log = (line: string): void => console.error(`[bench ${elapsedS().toFixed(0).padStart(4)}s] ${line}`);
const notes: string[] = [];
const phases: Array<{ phase: string; seconds: number }> = [];

async function phase<T>(name: string, body: () => Promise<T>): Promise<T | null> {
  const t0 = Date.now();
  log(`${name}…`);
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    notes.push(`Phase "${name}" failed: ${message}`);
    log(`${name} FAILED: ${message}`);
    return null;
  } finally {
    phases.push({ phase: name, seconds: round((Date.now() - t0) / 1000, 1) });
  }
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  return prepareContext(await browser.newContext());
}

async function openRuntimePage(context: BrowserContext, baseUrl: string, page?: Page): Promise<Page> {
  const p = page ?? (await context.newPage());
  if (!page) p.on('pageerror', (error) => log(`page error: ${error.message}`));
  if (page) await p.reload();
  else await p.goto(`${baseUrl}/dev/runtime/`);
  await waitForRuntime(p);
  return p;
}

type LoadKey = { model: string; device: string; cache: 'cold' | 'warm'; worker: LoadRecord['worker']; profile?: LoadRecord['profile'] };

function summarizeLoads(samples: Array<LoadKey & inPage.LoadSample>): LoadRecord[] {
  const keyOf = (s: LoadKey): string => `${s.model}|${s.device}|${s.cache}|${s.worker}|${s.profile ?? 'off-the-record'}`;
  const keys = [...new Set(samples.map(keyOf))];
  return keys.map((key) => {
    const group = samples.filter((s) => keyOf(s) === key);
    const walls = group.map((s) => s.wallMs);
    return {
      model: group[0].model,
      device: group[0].device,
      cache: group[0].cache,
      worker: group[0].worker,
      profile: group[0].profile ?? 'off-the-record',
      reps: group.length,
      medianMs: round(median(walls)),
      minMs: round(Math.min(...walls)),
      maxMs: round(Math.max(...walls)),
      medianLoadMs: round(median(group.map((s) => s.loadMs))),
      medianWarmupMs: round(median(group.map((s) => s.warmupMs))),
      bytesFetched: median(group.map((s) => s.bytes)),
      medianPhases: medianPhases(group.map((s) => s.phases)),
    };
  });
}

function medianPhases(phases: inPage.LoadSample['phases'][]): LoadRecord['medianPhases'] {
  const runtime = phases.flatMap((p) => (p.runtimeMs === null ? [] : [p.runtimeMs]));
  return {
    runtimeMs: runtime.length > 0 ? round(median(runtime)) : null,
    weightsMs: round(median(phases.map((p) => p.weightsMs))),
    sessionMs: round(median(phases.map((p) => p.sessionMs))),
  };
}

async function measureLoads(browser: Browser, baseUrl: string): Promise<LoadRecord[]> {
  const samples: Array<LoadKey & inPage.LoadSample> = [];
  const one = async (model: string, keep: boolean): Promise<void> => {
    // A new context has an empty HTTP cache and Cache API: a first visit.
    const context = await newContext(browser);
    try {
      const page = await openRuntimePage(context, baseUrl);
      const cold = await page.evaluate(inPage.loadOnce, { model, device: 'wasm' });
      await openRuntimePage(context, baseUrl, page);
      const warm = await page.evaluate(inPage.loadOnce, { model, device: 'wasm' });
      if (keep) {
        samples.push({ model, cache: 'cold', worker: 'fresh', ...cold }, { model, cache: 'warm', worker: 'fresh', ...warm });
        log(`  load ${model}: cold ${cold.wallMs.toFixed(0)} ms (${cold.bytes} B), warm ${warm.wallMs.toFixed(0)} ms (${warm.bytes} B)`);
      }
    } finally {
      await context.close();
    }
  };
  await one('amateur', false); // warm-up: OS file cache, server, Chromium's first worker
  for (let rep = 0; rep < PLAN.loadReps; rep++) for (const model of LOAD_MODELS) await one(model, true);
  return summarizeLoads(samples);
}

/**
 * A reader's visits: one on-disk profile (Chromium keeps its code cache there, which Playwright's
 * default off-the-record contexts never do), a first visit, then PLAN.loadReps more, each a new
 * page load of the expert.
 */
async function measureProfileLoads(baseUrl: string): Promise<{ loads: LoadRecord[]; compile: RuntimeCompileRecord }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-profile-'));
  const context = await launchProfile(dir);
  const samples: Array<LoadKey & inPage.LoadSample> = [];
  const compiles: Array<{ ms: number; bytes: number }> = [];
  const wasm = `${ORT_DIR}${ORT_BUILDS.wasm.wasm}`;
  try {
    for (let visit = 0; visit <= PLAN.loadReps; visit++) {
      const loaded = await visitAndLoad(context, baseUrl, 'expert');
      samples.push({ model: 'expert', cache: visit === 0 ? 'cold' : 'warm', worker: 'fresh', profile: 'on-disk', ...loaded });
      log(`  load expert, on-disk profile, visit ${visit + 1}: ${loaded.wallMs.toFixed(0)} ms (${loaded.bytes} B)`);
    }
    // The part of a cached load no change of ours can remove: onnxruntime's wasm compiled from
    // the same caches the visits above filled, with nothing else running.
    for (let visit = 0; visit < PLAN.loadReps; visit++) {
      compiles.push(await visitAndCompile(context, baseUrl, wasm));
      log(`  compile ${wasm} alone, on-disk profile: ${compiles.at(-1)!.ms.toFixed(0)} ms`);
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const times = compiles.map((c) => c.ms);
  const compile: RuntimeCompileRecord = {
    file: wasm,
    bytes: compiles[0].bytes,
    profile: 'on-disk',
    reps: compiles.length,
    medianMs: round(median(times)),
    minMs: round(Math.min(...times)),
    maxMs: round(Math.max(...times)),
  };
  return { loads: summarizeLoads(samples), compile };
}

/** The expert's size copied into fresh memory and again into the same memory, in a page of its own. */
async function measureMemoryTouch(browser: Browser, baseUrl: string): Promise<MemoryTouchRecord> {
  const context = await newContext(browser);
  try {
    const page = await openRuntimePage(context, baseUrl);
    const bytes = statSync(join(SITE, 'models', 'expert', 'onnx', 'model.onnx')).size;
    const reps = 5;
    const touched = await page.evaluate(inPage.touchMemory, { bytes, reps });
    const [freshMs, reusedMs] = [median(touched.freshMs), median(touched.reusedMs)];
    log(`  ${bytes} bytes into fresh memory ${freshMs.toFixed(1)} ms, again ${reusedMs.toFixed(1)} ms`);
    return { bytes, reps, freshMs: round(freshMs), reusedMs: round(reusedMs, 2) };
  } finally {
    await context.close();
  }
}

function summarizeBreakdown(samples: inPage.StepSample[]): StepBreakdown | null {
  const profiled = samples.filter((s): s is inPage.StepSample & { profile: StepProfile } => s.profile !== null);
  if (profiled.length === 0) return null;
  const med = (f: (s: (typeof profiled)[number]) => number): number => round(median(profiled.map(f)), 3);
  const forwardMs = (p: StepProfile): number => p.inputsMs + p.runMs + p.logitsMs + p.kvMs;
  return {
    wallMs: med((s) => s.wallMs),
    messagingMs: med((s) => s.wallMs - s.profile.workerMs),
    workerMs: med((s) => s.profile.workerMs),
    forwardCalls: med((s) => s.profile.forwardCalls),
    inputsMs: med((s) => s.profile.inputsMs),
    runMs: med((s) => s.profile.runMs),
    logitsMs: med((s) => s.profile.logitsMs),
    kvMs: med((s) => s.profile.kvMs),
    jsMs: med((s) => s.profile.workerMs - forwardMs(s.profile)),
  };
}

function summarizeSteps(device: string, entry: BenchMethod, samples: inPage.StepSample[], plan: { warmup: number; reps: number; steps: number }): StepRecord {
  const perToken = samples.map((s) => s.wallMs / Math.max(1, s.tokens));
  return {
    method: entry.method,
    label: entry.label,
    models: entry.models.join('+'),
    device,
    steps: samples.length,
    reps: plan.reps,
    warmupSteps: plan.warmup,
    medianMsPerToken: round(median(perToken)),
    medianMsPerStep: round(median(samples.map((s) => s.wallMs))),
    medianForwardMsPerStep: round(median(samples.map((s) => s.forwardMs))),
    tokensPerStep: round(mean(samples.map((s) => s.tokens)), 3),
    breakdown: summarizeBreakdown(samples),
    minMsPerToken: round(Math.min(...perToken)),
    maxMsPerToken: round(Math.max(...perToken)),
  };
}

/** The step timings, and on WASM the expert's bare run timed in each repetition beside them. */
async function measureSteps(
  page: Page,
  device: string,
  plan: { warmup: number; reps: number; steps: number },
  withFloor: boolean,
): Promise<{ steps: StepRecord[]; floor: StepFloorRecord | null }> {
  // Repetitions outermost, methods inside: a change in machine load spreads over every method.
  // The floor is timed in every repetition too, so that it spans the same minutes as the steps
  // (timed once after them, it once came out above the steps' own session.run).
  const samples = new Map<string, inPage.StepSample[]>();
  const floor: StepFloorRecord = { device, model: 'expert', contextTokens: KV_CONTEXTS[0], repBareRunMs: [] };
  // Untimed steps of every method first: right after a load, V8 is still compiling the hot wasm
  // and JavaScript with its optimizing tier, and steps there ran 2-5 times slower than later.
  for (const entry of METHODS) await page.evaluate(inPage.stepLatency, { device, spec: specOf(entry), warmup: plan.warmup, reps: 0, steps: 0 });
  for (let rep = 0; rep < plan.reps; rep++) {
    for (const entry of METHODS) {
      const got = await page.evaluate(inPage.stepLatency, { device, spec: specOf(entry), warmup: 0, reps: 1, steps: plan.steps });
      samples.set(entry.method, [...(samples.get(entry.method) ?? []), ...got.map((s) => ({ ...s, rep }))]);
    }
    if (withFloor) {
      const timed = await page.evaluate(inPage.kvCache, { device, model: floor.model, contextTokens: floor.contextTokens, repeats: plan.steps, bareOnly: true });
      floor.repBareRunMs.push(round(median(timed.bareRunMs), 3));
    }
    log(`  ${device} steps: repetition ${rep + 1}/${plan.reps} done`);
  }
  const steps = METHODS.map((entry) => {
    const record = summarizeSteps(device, entry, samples.get(entry.method) ?? [], plan);
    log(`  ${device} ${entry.method}: ${record.medianMsPerToken} ms/token (${record.steps} steps)`);
    return record;
  });
  return { steps, floor: withFloor ? floor : null };
}

async function measureKv(page: Page, device: string, models: string[], rounds: number, softBudget: boolean): Promise<KvRecord[]> {
  const records: KvRecord[] = [];
  for (const model of models) {
    await page.evaluate(inPage.kvCache, { device, model, contextTokens: KV_CONTEXTS[0], repeats: 1 }); // warm-up
    const cached = new Map<number, number[]>();
    const recompute = new Map<number, number[]>();
    const bare = new Map<number, number[]>();
    // Rounds outermost, contexts inside (one cached and one recompute pass each, interleaved by the worker).
    for (let r = 0; r < rounds; r++) {
      for (const contextTokens of KV_CONTEXTS) {
        if (softBudget && elapsedS() > SOFT_BUDGET_S && (cached.get(contextTokens)?.length ?? 0) > 0) continue;
        if (softBudget && elapsedS() > SOFT_BUDGET_S) {
          notes.push(`KV cache on ${device}, ${model}, ${contextTokens} tokens: skipped (past the ${SOFT_BUDGET_S} s soft budget).`);
          continue;
        }
        const m = await page.evaluate(inPage.kvCache, { device, model, contextTokens, repeats: 1 });
        cached.set(contextTokens, [...(cached.get(contextTokens) ?? []), ...m.cachedMs]);
        recompute.set(contextTokens, [...(recompute.get(contextTokens) ?? []), ...m.recomputeMs]);
        bare.set(contextTokens, [...(bare.get(contextTokens) ?? []), ...m.bareRunMs]);
      }
    }
    for (const contextTokens of KV_CONTEXTS) {
      const c = cached.get(contextTokens) ?? [];
      if (c.length === 0) continue;
      const cm = median(c);
      const rm = median(recompute.get(contextTokens) ?? []);
      const bm = median(bare.get(contextTokens) ?? []);
      records.push({
        model,
        device,
        contextTokens,
        repeats: c.length,
        cachedMedianMs: round(cm),
        recomputeMedianMs: round(rm),
        speedup: round(rm / cm),
        bareRunMedianMs: round(bm, 3),
      });
      log(`  kv ${device} ${model} @${contextTokens}: cached ${cm.toFixed(2)} ms, bare run ${bm.toFixed(2)} ms, recompute ${rm.toFixed(1)} ms (${c.length} repeats)`);
    }
  }
  return records;
}

async function measureSpeculative(page: Page, device: string): Promise<SpeculativeRecord[]> {
  const targetRuns = new Map<number, inPage.RunSample[]>();
  const specRuns = new Map<string, inPage.RunSample[]>();
  const seedOf = (rep: number): number => 1000 + rep;
  const tokens = PLAN.specTokens;
  // Warm-up: one short run of each kind (first open of a spec shape, JIT).
  for (const spec of [
    { method: 'sampling', model: 'expert', sampling: { temperature: 1 }, seed: 1 },
    { method: 'speculative', target: 'expert', draft: 'amateur', gamma: 4, sampling: { temperature: 1 }, seed: 1 },
  ]) {
    await page.evaluate(inPage.timedRun, { device, spec: { ...spec, prompt: PROMPT, stopAtEos: false }, tokens: 8 });
  }
  for (let rep = 0; rep < PLAN.specReps; rep++) {
    for (const temperature of PLAN.temps) {
      const sampling = { temperature };
      const target = { method: 'sampling', model: 'expert', sampling, seed: seedOf(rep), prompt: PROMPT, stopAtEos: false };
      // Target-only before and after the sweep, so a drift in machine load shows in both.
      const runs = targetRuns.get(temperature) ?? [];
      runs.push(await page.evaluate(inPage.timedRun, { device, spec: target, tokens }));
      for (const gamma of PLAN.gammas) {
        const spec = { method: 'speculative', target: 'expert', draft: 'amateur', gamma, sampling, seed: seedOf(rep), prompt: PROMPT, stopAtEos: false };
        const key = `${temperature}|${gamma}`;
        specRuns.set(key, [...(specRuns.get(key) ?? []), await page.evaluate(inPage.timedRun, { device, spec, tokens })]);
      }
      runs.push(await page.evaluate(inPage.timedRun, { device, spec: target, tokens }));
      targetRuns.set(temperature, runs);
      log(`  speculative ${device} rep ${rep + 1}/${PLAN.specReps}, T = ${temperature} done`);
    }
  }
  const records: SpeculativeRecord[] = [];
  for (const temperature of PLAN.temps) {
    const targets = targetRuns.get(temperature) ?? [];
    const targetTps = median(targets.map((r) => (r.tokens / r.wallMs) * 1000));
    // The first step of a run reads the whole prompt (prefill): left out of per-step costs.
    const targetStepMs = mean(targets.flatMap((r) => r.rounds.slice(1).map((s) => s.modelMs)));
    for (const gamma of PLAN.gammas) {
      const runs = specRuns.get(`${temperature}|${gamma}`) ?? [];
      const rounds = runs.flatMap((r) => r.rounds);
      const later = runs.flatMap((r) => r.rounds.slice(1));
      const specTps = median(runs.map((r) => (r.tokens / r.wallMs) * 1000));
      const meanTokensPerRound = mean(rounds.map((r) => r.tokens));
      // Every round drafts the full gamma here (the context limit is far away).
      const alpha = estimateAlpha(Math.min(gamma + 1, Math.max(1, meanTokensPerRound)), gamma);
      const draftMsPerToken = sum(later.map((r) => r.draftMs)) / sum(later.map((r) => r.gamma));
      const targetMsPerRound = mean(later.map((r) => r.targetMs));
      const costRatio = draftMsPerToken / targetMsPerRound;
      records.push({
        device,
        temperature,
        gamma,
        tokens,
        reps: runs.length,
        targetOnlyRuns: targets.length,
        specTokensPerSecond: round(specTps),
        targetTokensPerSecond: round(targetTps),
        measuredSpeedup: round(specTps / targetTps, 3),
        meanTokensPerRound: round(meanTokensPerRound, 3),
        meanAcceptedPerRound: round(mean(rounds.map((r) => r.accepted)), 3),
        alpha: round(alpha, 4),
        draftMsPerToken: round(draftMsPerToken),
        targetMsPerRound: round(targetMsPerRound),
        targetOnlyStepMs: round(targetStepMs),
        targetOnlyWallMsPerToken: round(1000 / targetTps),
        costRatio: round(costRatio, 4),
        expectedSpeedup: round(expectedSpeedup(alpha, gamma, costRatio), 3),
      });
    }
  }
  return records;
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg();
  const built = ensureBuilt(ROOT, SITE, log);
  phases.push({ phase: built ? 'build' : 'build (up to date)', seconds: round(elapsedS(), 1) });
  // The site as a host that sends dist/_headers serves it (cross-origin isolated: threaded WASM),
  // and, for the one-thread comparison, as a host that sends no headers.
  const server = await serveStatic(SITE, PORT, ISOLATION_HEADERS);
  const plainServer = await serveStatic(SITE, PORT + 1);
  const executablePath = CHROMIUM_PATH;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const results: BenchResults = {
    schema: 1,
    date: new Date().toISOString(),
    wallSeconds: 0,
    quick: QUICK,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      os: `${os.type()} ${os.release()} (${os.arch()})`,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverageStart: round(loadAtStart[0], 2),
      loadAverageEnd: 0,
    },
    browser: { name: 'Chromium (headless)', version: browser.version(), executable: executablePath },
    backends: [
      {
        device: 'wasm',
        name: 'WASM',
        adapter: null,
        software: false,
        detail: 'onnxruntime-web, WASM SIMD, threaded (the page is cross-origin isolated, as the site\'s _headers make it)',
      },
    ],
    settings: { prompt: PROMPT, ...PLAN, webgpuSteps: WEBGPU_STEPS, kvContexts: KV_CONTEXTS, loadModels: LOAD_MODELS },
    phases,
    loads: [],
    runtimeCompile: null,
    memoryTouch: null,
    steps: [],
    kvCache: [],
    stepFloors: [],
    speculative: [],
    bundle: measureBundle(SITE),
    notes,
  };
  try {
    results.loads = (await phase('loads (WASM, cold and warm)', () => measureLoads(browser, server.url))) ?? [];
    const visits = await phase('loads (WASM, a reader\'s visits in an on-disk profile)', () => measureProfileLoads(server.url));
    results.loads.push(...(visits?.loads ?? []));
    results.runtimeCompile = visits?.compile ?? null;
    results.memoryTouch = (await phase('machine: touching fresh memory', () => measureMemoryTouch(browser, server.url))) ?? null;
    notes.push(
      'A load in a new worker (cold or warm) includes starting onnxruntime-web, i.e. compiling its wasm (the 14 MB WASM-only build; the 27 MB build with WebGPU on the WebGPU rows); ' +
        'cold and warm differ in the model bytes fetched. Rows marked "onnxruntime already started" show a load without that cost. ' +
        'Rows in an on-disk profile are a reader\'s visits: Chromium keeps compiled wasm and scripts in its code cache there, which off-the-record contexts (the other rows) never do.',
    );
    notes.push(
      'Speculative: alpha, c and expectedSpeedup come from the model forward times in the step timings; the measured speed-up is ' +
        'wall-clock and also pays the per-round work outside the models (distributions over the 4096-token vocabulary, traces, messages).',
    );

    const context = await newContext(browser);
    const page = await openRuntimePage(context, server.url);
    const wasmReady = await phase('WASM: load expert and amateur', () => page.evaluate(inPage.prepareClient, { device: 'wasm', models: ['expert', 'amateur'] }));
    if (wasmReady) {
      // A fresh context, so these are cold loads too; the second one finds onnxruntime started.
      results.backends[0].detail = `onnxruntime-web, WASM SIMD on a cross-origin isolated page (as the site's _headers make it): ${wasmReady[0].threads}`;
      results.loads.push(...summarizeLoads(wasmReady.map((l, i) => ({ ...l, cache: 'cold' as const, worker: i === 0 ? ('fresh' as const) : ('runtime-started' as const) }))));
      await measureWasmBackend(page, 'wasm', 'WASM', results);
    }
    await context.close();
    await measureOneThread(browser, plainServer.url, results);
    await browser.close();

    if (WEBGPU) await measureWebgpu(server.url, executablePath, results);
    else notes.push(QUICK ? 'Quick run: WebGPU skipped.' : 'WebGPU skipped (--no-webgpu).');
  } finally {
    if (browser.isConnected()) await browser.close();
    await server.close();
    await plainServer.close();
  }
  results.wallSeconds = round(elapsedS(), 1);
  results.machine.loadAverageEnd = round(os.loadavg()[0], 2);
  notes.push(
    `1-minute load average ${results.machine.loadAverageStart} at the start and ${results.machine.loadAverageEnd} at the end on ${results.machine.cores} cores: ` +
      'above the core count the benchmark shared the CPU with other work and its times are inflated.',
  );
  const extra = option('note', '');
  if (extra) notes.push(extra);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(OUT, 'results.md'), renderMarkdown(results));
  log(`wrote ${join(OUT, 'results.json')} and results.md in ${results.wallSeconds} s`);
}

/** Step latency, the KV cache and the speculative sweep of one WASM backend whose client is ready on `page`. */
async function measureWasmBackend(page: Page, device: string, label: string, results: BenchResults): Promise<void> {
  const timed = await phase(`${label}: step latency per method`, () => measureSteps(page, device, PLAN.wasmSteps, true));
  results.steps.push(...(timed?.steps ?? []));
  if (timed?.floor) results.stepFloors.push(timed.floor);
  results.kvCache.push(...((await phase(`${label}: KV cache vs recompute`, () => measureKv(page, device, ['expert', 'amateur'], PLAN.kvRepeats, false))) ?? []));
  results.speculative.push(...((await phase(`${label}: speculative sweep`, () => measureSpeculative(page, device))) ?? []));
}

/** The same WASM measurements on a page that is not cross-origin isolated: onnxruntime on one thread. */
async function measureOneThread(browser: Browser, baseUrl: string, results: BenchResults): Promise<void> {
  const device = 'wasm-1thread';
  const context = await newContext(browser);
  try {
    const page = await openRuntimePage(context, baseUrl);
    const ready = await phase('WASM, one thread: load expert and amateur', () => page.evaluate(inPage.prepareClient, { device, models: ['expert', 'amateur'] }));
    if (!ready) return;
    const threads = ready[0].threads;
    results.backends.push({
      device,
      name: 'WASM, one thread',
      adapter: null,
      software: false,
      detail: `onnxruntime-web, WASM SIMD on a page that is not cross-origin isolated (a host without the COOP/COEP headers): ${threads}`,
    });
    await measureWasmBackend(page, device, 'WASM, one thread', results);
  } finally {
    await context.close();
  }
}

async function measureWebgpu(baseUrl: string, executablePath: string, results: BenchResults): Promise<void> {
  // A separate browser: --enable-unsafe-webgpu gives headless Chromium a WebGPU adapter.
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  try {
    const context = await newContext(browser);
    const page = await openRuntimePage(context, baseUrl);
    const adapter = await page.evaluate(inPage.webgpuAdapter);
    if (!adapter) {
      notes.push('This browser offers no WebGPU adapter: WebGPU not measured.');
      return;
    }
    const software = adapter.fallback || /swiftshader/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`);
    results.backends.push({
      device: 'webgpu',
      name: software ? 'WebGPU (SwiftShader, software)' : 'WebGPU',
      adapter: [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' '),
      software,
      detail: software
        ? 'SwiftShader: WebGPU emulated on the CPU (headless Chromium, --enable-unsafe-webgpu); its times say nothing about a real GPU'
        : 'hardware adapter',
    });
    if (software) notes.push('WebGPU ran on SwiftShader, a software (CPU) adapter: its numbers are far slower than any real GPU and are reported only for completeness.');
    // The first loads in this fresh browser are cold loads on WebGPU (one repetition each).
    const loads = await phase('WebGPU: load expert and amateur (cold, once)', () =>
      page.evaluate(inPage.prepareClient, { device: 'webgpu', models: ['expert', 'amateur'] }),
    );
    if (!loads) return;
    for (const l of loads) {
      if (l.device !== 'webgpu') notes.push(`WebGPU was asked for but ${l.model} loaded on ${l.device}: ${l.reason}`);
    }
    results.loads.push(...summarizeLoads(loads.map((l, i) => ({ ...l, cache: 'cold' as const, worker: i === 0 ? ('fresh' as const) : ('runtime-started' as const) }))));
    results.steps.push(...((await phase('WebGPU: step latency per method', () => measureSteps(page, 'webgpu', WEBGPU_STEPS, false)))?.steps ?? []));
    results.kvCache.push(...((await phase('WebGPU: KV cache vs recompute', () => measureKv(page, 'webgpu', ['expert'], 1, true))) ?? []));
    notes.push('The speculative sweep runs on WASM only (on a software WebGPU adapter it would take far longer than the run allows).');
    await context.close();
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
