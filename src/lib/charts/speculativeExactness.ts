import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL, ROLE } from './roles';
import { withLegend } from './speculativeLegend';

export interface ExactnessBar {
  /** The token as shown on the axis (whitespace already made visible), or "all other tokens". */
  label: string;
  /** Share of the rounds whose first emitted token was this one. */
  empirical: number;
  /** The target's own probability p(x) at the same prefix. */
  target: number;
}

export interface SpeculativeExactnessOptions {
  width?: number;
  ariaLabel?: string;
}

const EMPIRICAL = NEUTRAL.quiet;
const TARGET = ROLE.target;

const defaults = { width: 640, ariaLabel: 'Empirical distribution of the first emitted token against the target distribution' };

/**
 * The "prove it is exact" picture: bars for how often each token came out first over many
 * speculative rounds, ticks for the target's probability of it. Exact speculative sampling puts
 * every bar at its tick up to sampling noise.
 */
export function speculativeExactnessChart(bars: readonly ExactnessBar[], options: SpeculativeExactnessOptions = {}): HTMLElement {
  const { width, ariaLabel } = { ...defaults, ...options };
  const top = Math.max(0.05, ...bars.flatMap((b) => [b.empirical, b.target]));
  const chart = Plot.plot({
    width,
    height: 26 * bars.length + 70,
    marginLeft: 120,
    x: { label: 'Probability →', domain: [0, Math.min(1, top * 1.15)], grid: true },
    y: { label: 'First emitted token', domain: bars.map((b) => b.label) },
    color: { domain: ['speculative (empirical)', 'p (target)'], range: [EMPIRICAL, TARGET] },
    marks: [
      Plot.barX(bars, { x: 'empirical', y: 'label', fill: () => 'speculative (empirical)', fillOpacity: 0.8 }),
      Plot.tickX(bars, { x: 'target', y: 'label', stroke: () => 'p (target)', strokeWidth: 2.5 }),
      Plot.ruleX([0]),
    ],
  });
  return withLegend(asAccessibleImage(chart, ariaLabel), [
    { label: 'speculative sampling, share of rounds', color: EMPIRICAL, shape: 'bar' },
    { label: 'p (target)', color: TARGET, shape: 'tick' },
  ]);
}
