/**
 * The speed targets the project set itself (issue 14, "Speed: per-token cost near the floor"),
 * checked against one benchmark run: each target's goal, what the run measured, whether it is met,
 * and the measured numbers that say why. bench/results.md and the results page both print these
 * rows, so the verdict always comes from the same run as the numbers beside it.
 */
import { ms, sessionCreationMs, stepFloor, type BenchKv, type BenchLoad, type BenchResultsView, type BenchSpeculative, type BenchStep } from './results';

/** The goals, on threaded WASM (the site's backend on a cross-origin isolated page). */
export const SPEED_GOALS = {
  device: 'wasm',
  greedyOverFloor: 1.3,
  amateurForwardMs: 0.5,
  fixedCostMs: 0.3,
  methodOverGreedy: 1.5,
  speculativeSpeedup: 1.6,
  speculativeTemperature: 1,
  measuredOverPredicted: 0.85,
  maxGammaChecked: 4,
  cachedLoadMs: 500,
  chapterJsGzipBytes: 100_000,
} as const;

export interface SpeedTarget {
  target: string;
  goal: string;
  /** What this run measured ('not measured' when the run has no such record). */
  measured: string;
  /** null: the run has nothing to judge it by. */
  met: boolean | null;
  /** The measured numbers behind the verdict. */
  why: string;
}

const times = (value: number): string => `${value.toFixed(2)}×`;

function unmeasured(target: string, goal: string, what: string): SpeedTarget {
  return { target, goal, measured: 'not measured', met: null, why: `This run has no ${what}.` };
}

type Breakdown = NonNullable<BenchStep['breakdown']>;

/** Each part's median over the steps; on a noisy machine they need not add up to the step's median. */
const partsSum = (b: Breakdown): number => b.messagingMs + b.jsMs + b.inputsMs + b.runMs + b.logitsMs + b.kvMs;

function partsAboveFloor(b: Breakdown, floor: number): string {
  return (
    `messaging ${ms(b.messagingMs)}, decoding JS ${ms(b.jsMs)}, session.run ${ms(b.runMs)} (${ms(b.runMs - floor)} above the bare run), ` +
    `input tensors, logits and KV cache ${ms(b.inputsMs + b.logitsMs + b.kvMs)}; the parts' medians add up to ${ms(partsSum(b))}`
  );
}

function greedyTargets(steps: BenchStep[], floor: ReturnType<typeof stepFloor>): SpeedTarget[] {
  const ratioTarget = 'Expert greedy step ÷ the bare session.run floor';
  const fixedTarget = 'Fixed cost of a step beyond the bare session.run';
  const greedy = steps.find((s) => s.method === 'greedy' && s.breakdown);
  if (!greedy || floor === null) {
    return [
      unmeasured(ratioTarget, `≤ ${SPEED_GOALS.greedyOverFloor}×`, 'profiled greedy step or bare run'),
      unmeasured(fixedTarget, `≤ ${ms(SPEED_GOALS.fixedCostMs)}`, 'profiled greedy step or bare run'),
    ];
  }
  const wall = greedy.breakdown!.wallMs;
  const when = floor.repetitions === null ? '' : ` The bare run was timed in each of the ${floor.repetitions} repetitions of the steps.`;
  const why = `Step ${ms(wall)} as the page sees it, bare run ${ms(floor.ms)}: ${partsAboveFloor(greedy.breakdown!, floor.ms)}.${when}`;
  return [
    { target: ratioTarget, goal: `≤ ${SPEED_GOALS.greedyOverFloor}×`, measured: times(wall / floor.ms), met: wall / floor.ms <= SPEED_GOALS.greedyOverFloor, why },
    { target: fixedTarget, goal: `≤ ${ms(SPEED_GOALS.fixedCostMs)}`, measured: ms(wall - floor.ms), met: wall - floor.ms <= SPEED_GOALS.fixedCostMs, why },
  ];
}

function amateurTarget(kv: BenchKv | undefined): SpeedTarget {
  const target = 'Amateur step (forward pass on a cached context)';
  const goal = `≤ ${ms(SPEED_GOALS.amateurForwardMs)}`;
  if (!kv) return unmeasured(target, goal, 'amateur forward pass at 32 tokens');
  const floor = kv.bareRunMedianMs;
  const met = kv.cachedMedianMs <= SPEED_GOALS.amateurForwardMs;
  const why =
    floor === undefined
      ? 'The run did not time a bare session.run of the amateur.'
      : `onnxruntime's bare session.run of the amateur's graph alone takes ${ms(floor)}` +
        (floor > SPEED_GOALS.amateurForwardMs && !met ? ', more than the goal: no work around it can reach it on this machine.' : '.');
  return { target, goal, measured: ms(kv.cachedMedianMs), met, why };
}

function methodTargets(steps: BenchStep[]): SpeedTarget[] {
  const greedy = steps.find((s) => s.method === 'greedy' && s.breakdown);
  return (['cd', 'dola'] as const).map((method) => {
    const name = method === 'cd' ? 'Contrastive decoding' : 'DoLa';
    const target = `${name} step ÷ greedy step`;
    const goal = `≤ ${SPEED_GOALS.methodOverGreedy}×`;
    const step = steps.find((s) => s.method === method && s.breakdown);
    if (!greedy || !step) return unmeasured(target, goal, `profiled ${name} and greedy steps`);
    const [b, g] = [step.breakdown!, greedy.breakdown!];
    const ratio = b.wallMs / g.wallMs;
    const why =
      `${ms(b.wallMs)} against ${ms(g.wallMs)}. Beyond greedy's: session.run ${ms(b.runMs - g.runMs)} ` +
      `(${b.forwardCalls} forward pass${b.forwardCalls === 1 ? '' : 'es'}${method === 'dola' ? ', with layer_logits' : ''}), ` +
      `reading logits ${ms(b.logitsMs - g.logitsMs)}, decoding JS ${ms(b.jsMs - g.jsMs)}, messaging ${ms(b.messagingMs - g.messagingMs)}. ` +
      `The parts' medians add up to ${ms(partsSum(b))} against ${ms(partsSum(g))} (${times(partsSum(b) / partsSum(g))}).`;
    return { target, goal, measured: times(ratio), met: ratio <= SPEED_GOALS.methodOverGreedy, why };
  });
}

function speculativeTargets(records: BenchSpeculative[]): SpeedTarget[] {
  const bestTarget = `Speculative sampling, T = ${SPEED_GOALS.speculativeTemperature}, best γ, over target-only`;
  const bestGoal = `≥ ${SPEED_GOALS.speculativeSpeedup}×`;
  const ratioTarget = `Speculative, measured ÷ predicted, every γ ≤ ${SPEED_GOALS.maxGammaChecked}`;
  const ratioGoal = `≥ ${SPEED_GOALS.measuredOverPredicted}`;
  const atT = records.filter((r) => r.temperature === SPEED_GOALS.speculativeTemperature);
  const checked = records.filter((r) => r.gamma <= SPEED_GOALS.maxGammaChecked);
  if (atT.length === 0 || checked.length === 0) {
    return [unmeasured(bestTarget, bestGoal, 'speculative sweep'), unmeasured(ratioTarget, ratioGoal, 'speculative sweep')];
  }
  const best = atT.reduce((a, b) => (b.measuredSpeedup > a.measuredSpeedup ? b : a));
  const bestPredicted = atT.reduce((a, b) => (b.expectedSpeedup > a.expectedSpeedup ? b : a));
  const bestWhy =
    `Best at γ = ${best.gamma}. Leviathan et al.'s formula, with this pair's measured acceptance (α ${best.alpha.toFixed(2)} at that γ) ` +
    `and cost ratio (c ${best.costRatio.toFixed(2)}), predicts at most ${times(bestPredicted.expectedSpeedup)} (γ = ${bestPredicted.gamma}) ` +
    `at this temperature, ${bestPredicted.expectedSpeedup >= SPEED_GOALS.speculativeSpeedup ? 'above' : 'below'} the goal.`;
  const ratios = checked.map((r) => ({ r, ratio: r.measuredSpeedup / r.expectedSpeedup }));
  const worst = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const ratioWhy =
    `Worst at T = ${worst.r.temperature}, γ = ${worst.r.gamma}. The formula prices a verification pass like one target step; ` +
    `measured there, a pass over ${worst.r.gamma + 1} positions took ${ms(worst.r.targetMsPerRound)} against ${ms(worst.r.targetOnlyStepMs)} ` +
    `for one step (${times(worst.r.targetMsPerRound / worst.r.targetOnlyStepMs)}), and each round also pays its distributions over the vocabulary.`;
  return [
    { target: bestTarget, goal: bestGoal, measured: times(best.measuredSpeedup), met: best.measuredSpeedup >= SPEED_GOALS.speculativeSpeedup, why: bestWhy },
    {
      target: ratioTarget,
      goal: ratioGoal,
      measured: ratios.map(({ r, ratio }) => `T ${r.temperature} γ ${r.gamma}: ${ratio.toFixed(2)}`).join('; '),
      met: worst.ratio >= SPEED_GOALS.measuredOverPredicted,
      why: ratioWhy,
    },
  ];
}

function cachedLoadTarget(bench: BenchResultsView): SpeedTarget {
  const target = 'Second visit: cached load of the expert to its first step';
  const goal = `≤ ${ms(SPEED_GOALS.cachedLoadMs)}`;
  const visit = bench.loads.find(
    (l) => l.model === 'expert' && l.device === SPEED_GOALS.device && l.cache === 'warm' && l.profile === 'on-disk' && l.worker === 'fresh',
  );
  if (!visit) return unmeasured(target, goal, "warm load in an on-disk profile (a reader's second visit)");
  const outside = visit.medianMs - visit.medianLoadMs - visit.medianWarmupMs;
  const why = [
    `Of ${ms(visit.medianMs)}: worker start and messaging ${ms(outside)}, first forward pass ${ms(visit.medianWarmupMs)}` +
      (visit.medianPhases ? `; ${loadPhasesWhy(visit.medianPhases)}` : `, the load in the worker ${ms(visit.medianLoadMs)}.`),
    runtimeFloorWhy(bench, visit),
    freshMemoryWhy(bench),
    startedWhy(bench),
  ];
  return { target, goal, measured: ms(visit.medianMs), met: visit.medianMs <= SPEED_GOALS.cachedLoadMs, why: why.filter(Boolean).join(' ') };
}

/** The worker's part of a load, phase by phase (medians, so they need not add up exactly). */
function loadPhasesWhy(phases: NonNullable<BenchLoad['medianPhases']>): string {
  const runtime = phases.runtimeMs === null ? 'onnxruntime had started before the load' : `onnxruntime started at ${ms(phases.runtimeMs)}`;
  return `in the worker, ${runtime}, weights read at ${ms(phases.weightsMs)} (at once), session created ${ms(sessionCreationMs(phases))} after both.`;
}

/** What compiling onnxruntime's wasm costs on its own, beside the load's own start of it. */
function runtimeFloorWhy(bench: BenchResultsView, visit: BenchLoad): string {
  const compile = bench.runtimeCompile;
  if (!compile) return '';
  const mb = (compile.bytes / 1e6).toFixed(1);
  const creation = visit.medianPhases ? sessionCreationMs(visit.medianPhases) : null;
  const sum = creation === null ? '' : `; with the session's creation, ${ms(compile.medianMs + creation)} before any forward pass`;
  return `Alone on this machine, compiling onnxruntime's ${mb} MB wasm takes ${ms(compile.medianMs)}${sum}.`;
}

/** Session creation copies the model into memory the worker has never touched; what that costs here. */
function freshMemoryWhy(bench: BenchResultsView): string {
  const touch = bench.memoryTouch;
  if (!touch) return '';
  const mb = (touch.bytes / 1e6).toFixed(1);
  return `Creating it copies the model into memory the new worker never touched: ${mb} MB into fresh memory takes ${ms(touch.freshMs)} here, into the same memory again ${ms(touch.reusedMs)}.`;
}

function startedWhy(bench: BenchResultsView): string {
  const started = bench.loads.find((l) => l.device === SPEED_GOALS.device && l.worker === 'runtime-started');
  if (!started) return '';
  return `A load whose onnxruntime had started took ${ms(started.medianMs)} (${started.model}, ${started.cache}).`;
}

function chapterJsTarget(bench: BenchResultsView): SpeedTarget {
  const target = 'JavaScript per chapter page before the model runtime loads, gzipped';
  const goal = `≤ ${SPEED_GOALS.chapterJsGzipBytes / 1000} kB`;
  const chapters = bench.bundle.pages.filter((p) => p.page.startsWith('/explainers/'));
  if (chapters.length === 0) return unmeasured(target, goal, 'chapter pages');
  const largest = chapters.reduce((a, b) => (b.jsGzipBytes > a.jsGzipBytes ? b : a));
  return {
    target,
    goal,
    measured: `${(largest.jsGzipBytes / 1000).toFixed(1)} kB`,
    met: largest.jsGzipBytes <= SPEED_GOALS.chapterJsGzipBytes,
    why: `Largest: ${largest.page}, of ${chapters.length} chapter pages.`,
  };
}

export function speedTargets(bench: BenchResultsView): SpeedTarget[] {
  const steps = bench.steps.filter((s) => s.device === SPEED_GOALS.device);
  const atContext32 = (model: string): BenchKv | undefined =>
    bench.kvCache.find((k) => k.model === model && k.device === SPEED_GOALS.device && k.contextTokens === 32);
  const speculative = bench.speculative.filter((r) => r.device === SPEED_GOALS.device);
  return [
    ...greedyTargets(steps, stepFloor(bench, SPEED_GOALS.device, 'expert')),
    amateurTarget(atContext32('amateur')),
    ...methodTargets(steps),
    ...speculativeTargets(speculative),
    cachedLoadTarget(bench),
    chapterJsTarget(bench),
  ];
}

export function verdict(target: SpeedTarget): string {
  return target.met === null ? 'not measured' : target.met ? 'met' : 'missed';
}

/** The table both bench/results.md and the results page print. */
export const SPEED_TARGET_COLUMNS = ['Target', 'Goal', 'Measured', 'Verdict', 'Why (measured)'];

export function speedTargetRows(bench: BenchResultsView): string[][] {
  return speedTargets(bench).map((t) => [t.target, t.goal, t.measured, verdict(t), t.why]);
}
