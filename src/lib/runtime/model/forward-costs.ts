/**
 * Where a model's forward passes spend their time, summed over calls, for the benchmark's per-step
 * breakdown: building the input tensors, the runtime's run itself, reading the logits, and the KV
 * cache (reading the present.* outputs into a Float32KvCache).
 */
export interface ForwardCosts {
  calls: number;
  inputsMs: number;
  runMs: number;
  logitsMs: number;
  kvMs: number;
}

export type ForwardPhase = Exclude<keyof ForwardCosts, 'calls'>;

export function noCosts(): ForwardCosts {
  return { calls: 0, inputsMs: 0, runMs: 0, logitsMs: 0, kvMs: 0 };
}

/** later - earlier, field by field: what happened between two snapshots. */
export function costsBetween(earlier: ForwardCosts, later: ForwardCosts): ForwardCosts {
  return {
    calls: later.calls - earlier.calls,
    inputsMs: later.inputsMs - earlier.inputsMs,
    runMs: later.runMs - earlier.runMs,
    logitsMs: later.logitsMs - earlier.logitsMs,
    kvMs: later.kvMs - earlier.kvMs,
  };
}

export function addCosts(a: ForwardCosts, b: ForwardCosts): ForwardCosts {
  return {
    calls: a.calls + b.calls,
    inputsMs: a.inputsMs + b.inputsMs,
    runMs: a.runMs + b.runMs,
    logitsMs: a.logitsMs + b.logitsMs,
    kvMs: a.kvMs + b.kvMs,
  };
}

/** Times consecutive phases of one call: each `end` charges the time since the previous mark. */
export class PhaseClock {
  private mark = performance.now();

  constructor(private readonly costs: ForwardCosts) {
    costs.calls++;
  }

  end(phase: ForwardPhase): void {
    const now = performance.now();
    this.costs[phase] += now - this.mark;
    this.mark = now;
  }
}
