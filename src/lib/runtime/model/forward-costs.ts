/**
 * Where a model's forward passes spend their time, summed over calls, for the benchmark's per-step
 * breakdown (the phases are protocol.ts's ForwardPhases).
 */
import type { ForwardPhases } from '../protocol';

export interface ForwardCosts extends ForwardPhases {
  calls: number;
}

export type ForwardPhase = keyof ForwardPhases;

const FIELDS = ['calls', 'inputsMs', 'runMs', 'logitsMs', 'kvMs'] as const satisfies readonly (keyof ForwardCosts)[];

export function noCosts(): ForwardCosts {
  return { calls: 0, inputsMs: 0, runMs: 0, logitsMs: 0, kvMs: 0 };
}

/** a + sign * b, field by field. */
function combine(a: ForwardCosts, b: ForwardCosts, sign: 1 | -1): ForwardCosts {
  const out = noCosts();
  for (const field of FIELDS) out[field] = a[field] + sign * b[field];
  return out;
}

/** later - earlier: what happened between two snapshots. */
export function costsBetween(earlier: ForwardCosts, later: ForwardCosts): ForwardCosts {
  return combine(later, earlier, -1);
}

export function addCosts(a: ForwardCosts, b: ForwardCosts): ForwardCosts {
  return combine(a, b, 1);
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
