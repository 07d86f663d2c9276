import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchResultsView, BenchStep } from '../../../../src/lib/site/results';
import { SPEED_GOALS, speedTargets, verdict } from '../../../../src/lib/site/speed-targets';
import { median } from '../../../../src/lib/stats';

const committed = JSON.parse(readFileSync(new URL('../../../../bench/results.json', import.meta.url), 'utf8')) as BenchResultsView;

const step = (method: string, wallMs: number, runMs: number): BenchStep => ({
  method,
  label: method,
  models: 'expert',
  device: 'wasm',
  medianMsPerToken: wallMs,
  medianForwardMsPerStep: runMs,
  tokensPerStep: 1,
  breakdown: { wallMs, messagingMs: 0.05, workerMs: wallMs - 0.05, forwardCalls: 1, inputsMs: 0.01, runMs, logitsMs: 0.01, kvMs: 0.01, jsMs: 0.05 },
});

/** A run in which every goal holds: steps just above a 1 ms floor, a 2x speculative pair, a fast reload. */
function fastRun(): BenchResultsView {
  const spec = (temperature: number, gamma: number, measuredSpeedup: number, expectedSpeedup: number) => ({
    device: 'wasm', temperature, gamma, tokens: 48, measuredSpeedup, expectedSpeedup, alpha: 0.8, costRatio: 0.05,
    meanTokensPerRound: 3, specTokensPerSecond: 400, targetTokensPerSecond: 200, targetMsPerRound: 1.1, targetOnlyStepMs: 1,
  });
  return {
    ...committed,
    steps: [step('greedy', 1.2, 1.02), step('cd', 1.7, 1.5), step('dola', 1.6, 1.3)],
    kvCache: [
      { model: 'expert', device: 'wasm', contextTokens: 32, cachedMedianMs: 1.05, recomputeMedianMs: 9, speedup: 8.6, bareRunMedianMs: 1 },
      { model: 'amateur', device: 'wasm', contextTokens: 32, cachedMedianMs: 0.3, recomputeMedianMs: 2, speedup: 6.7, bareRunMedianMs: 0.25 },
    ],
    speculative: [1, 2, 3, 4].flatMap((gamma) => [spec(0, gamma, 1.9, 2), spec(1, gamma, 1.8, 2)]),
    loads: [{ model: 'expert', device: 'wasm', cache: 'warm', worker: 'fresh', profile: 'on-disk', reps: 3, medianMs: 420, medianLoadMs: 380, medianWarmupMs: 20, bytesFetched: 0 }],
    bundle: { ...committed.bundle, pages: [{ page: '/explainers/01-logits-to-text/', jsGzipBytes: 60_000 }] },
  };
}

describe('speed targets', () => {
  it('judges every target of the committed run from its own numbers', () => {
    const targets = speedTargets(committed);
    expect(targets).toHaveLength(9);
    for (const t of targets) expect(['met', 'missed']).toContain(verdict(t));
    const greedy = committed.steps.find((s) => s.device === 'wasm' && s.method === 'greedy')!.breakdown!;
    // The floor timed beside the steps where the run has it, else the KV table's.
    const beside = committed.stepFloors?.find((f) => f.device === 'wasm' && f.model === 'expert')?.repBareRunMs;
    const floor = beside ? median(beside) : committed.kvCache.find((k) => k.model === 'expert' && k.device === 'wasm' && k.contextTokens === 32)!.bareRunMedianMs!;
    expect(targets[0].measured).toBe(`${(greedy.wallMs / floor).toFixed(2)}×`);
    expect(targets[0].met).toBe(greedy.wallMs / floor <= SPEED_GOALS.greedyOverFloor);
    expect(targets[1].met).toBe(greedy.wallMs - floor <= SPEED_GOALS.fixedCostMs);
    const largest = Math.max(...committed.bundle.pages.filter((p) => p.page.startsWith('/explainers/')).map((p) => p.jsGzipBytes));
    expect(targets[8].met).toBe(largest <= SPEED_GOALS.chapterJsGzipBytes);
    expect(targets[8].measured).toBe(`${(largest / 1000).toFixed(1)} kB`);
  });

  it('calls every target met when the run meets it', () => {
    const targets = speedTargets(fastRun());
    expect(targets.map((t) => [t.target, verdict(t)])).toEqual(targets.map((t) => [t.target, 'met']));
  });

  it('misses a target by its own margin: one slow DoLa step misses only the DoLa target', () => {
    const run = fastRun();
    run.steps = run.steps.map((s) => (s.method === 'dola' ? step('dola', 1.2 * SPEED_GOALS.methodOverGreedy + 0.01, 1.3) : s));
    const missed = speedTargets(run).filter((t) => t.met === false);
    expect(missed.map((t) => t.target)).toEqual(['DoLa step ÷ greedy step']);
    expect(missed[0].measured).toBe(`${((1.2 * SPEED_GOALS.methodOverGreedy + 0.01) / 1.2).toFixed(2)}×`);
  });

  it('says "not measured", rather than met or missed, for what a run lacks', () => {
    const empty: BenchResultsView = { ...committed, steps: [], kvCache: [], speculative: [], loads: [], bundle: { ...committed.bundle, pages: [] } };
    const targets = speedTargets(empty);
    expect(targets).toHaveLength(9);
    for (const t of targets) {
      expect(verdict(t)).toBe('not measured');
      expect(t.why).toMatch(/^This run has no /);
    }
  });

  it('names the worst measured-to-predicted ratio among the gammas it checks', () => {
    const run = fastRun();
    run.speculative = run.speculative.map((r) => (r.temperature === 0 && r.gamma === 3 ? { ...r, measuredSpeedup: 1.2 } : r));
    run.speculative.push({ ...run.speculative[0], gamma: 8, measuredSpeedup: 0.1 }); // beyond the checked gammas
    const ratio = speedTargets(run).find((t) => t.target.startsWith('Speculative, measured'))!;
    expect(ratio.met).toBe(false);
    expect(ratio.why).toMatch(/^Worst at T = 0, γ = 3\./);
    expect(ratio.measured).not.toContain('γ 8');
  });

  it('splits a cached load into its phases and sets the compile measured alone beside them', () => {
    const run = fastRun();
    run.loads = [
      {
        ...run.loads[0],
        medianMs: 1500,
        medianLoadMs: 1300,
        medianWarmupMs: 40,
        medianPhases: { runtimeMs: 800, weightsMs: 600, sessionMs: 1290 },
      },
    ];
    run.runtimeCompile = { file: 'ort/ort-wasm-simd-threaded.wasm', bytes: 14_264_838, reps: 3, medianMs: 420 };
    run.memoryTouch = { bytes: 23_503_088, freshMs: 110, reusedMs: 1.5 };
    const load = speedTargets(run).find((t) => t.target.startsWith('Second visit'))!;
    expect(load.met).toBe(false);
    expect(load.why).toContain('Of 1500 ms: worker start and messaging 160 ms, first forward pass 40.00 ms');
    expect(load.why).toContain('onnxruntime started at 800 ms');
    expect(load.why).toContain('weights read at 600 ms');
    // Creation is timed from the later of the two: 1290 - max(800, 600).
    expect(load.why).toContain('session created 490 ms after both');
    expect(load.why).toContain("compiling onnxruntime's 14.3 MB wasm takes 420 ms; with the session's creation, 910 ms before any forward pass");
    expect(load.why).toContain('23.5 MB into fresh memory takes 110 ms here, into the same memory again 1.50 ms');
  });

  it('words a cached load from results without phases as before', () => {
    // Results written before loads had phases and the compile was timed alone.
    const run = { ...fastRun(), runtimeCompile: undefined, memoryTouch: undefined };
    const load = speedTargets(run).find((t) => t.target.startsWith('Second visit'))!;
    expect(load.why).toContain('the load in the worker 380 ms.');
    expect(load.why).not.toContain('compiling');
    expect(load.why).not.toContain('fresh memory');
  });

  it('judges the greedy step against the bare run timed beside the steps, not the KV table\'s, when a run has it', () => {
    const run = fastRun();
    run.steps = [step('greedy', 2.4, 1.9), step('cd', 3, 2.5), step('dola', 3, 2.4)];
    // The KV table's floor (1 ms) was timed minutes later; the repetitions' floors are the ones beside the steps.
    run.stepFloors = [{ device: 'wasm', model: 'expert', contextTokens: 32, repBareRunMs: [1.9, 2.1, 2, 2.2, 1.8] }];
    const targets = speedTargets(run);
    const ratio = targets.find((t) => t.target.startsWith('Expert greedy step'))!;
    expect(ratio.measured).toBe('1.20×');
    expect(ratio.met).toBe(true);
    expect(ratio.why).toContain('bare run 2.00 ms');
    expect(ratio.why).toContain('timed in each of the 5 repetitions of the steps');
    expect(targets.find((t) => t.target.startsWith('Fixed cost'))!.measured).toBe('0.40 ms');
    // A one-thread floor is not the threaded target's.
    run.stepFloors = [{ device: 'wasm-1thread', model: 'expert', contextTokens: 32, repBareRunMs: [2, 2] }];
    expect(speedTargets(run).find((t) => t.target.startsWith('Expert greedy step'))!.measured).toBe('2.40×');
  });

  it('calls the amateur goal out of reach only when it was missed', () => {
    const run = fastRun();
    const amateur = (cachedMedianMs: number) => ({ model: 'amateur', device: 'wasm', contextTokens: 32, cachedMedianMs, recomputeMedianMs: 2, speedup: 4, bareRunMedianMs: 0.6 });
    run.kvCache = [run.kvCache[0], amateur(0.46)];
    const met = speedTargets(run).find((t) => t.target.startsWith('Amateur'))!;
    expect(met.met).toBe(true);
    expect(met.why).not.toContain('no work around it');
    run.kvCache = [run.kvCache[0], amateur(0.7)];
    const missed = speedTargets(run).find((t) => t.target.startsWith('Amateur'))!;
    expect(missed.met).toBe(false);
    expect(missed.why).toContain('more than the goal: no work around it can reach it on this machine');
  });
});
