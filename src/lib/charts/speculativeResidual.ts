import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { ROLE } from './roles';
import { withLegend } from './speculativeLegend';

export interface ResidualCandidate {
  /** The token as shown on the axis (whitespace already made visible). */
  label: string;
  /** Probability under the distribution the final token was drawn from (residual or p). */
  sampled: number;
  /** p(x), the target, at the same row. */
  target: number;
  /** q(x), the draft, at the same row; null at the bonus row, where the draft proposed nothing. */
  draft: number | null;
}

export interface SpeculativeResidualOptions {
  width?: number;
  ariaLabel?: string;
  /** Name of the sampled distribution in the legend, e.g. "residual" or "p (bonus row)". */
  sampledName?: string;
  /** The residual after a rejection, or the bonus row after every draft token was accepted. */
  sampledRole?: 'residual' | 'bonus';
}

const TARGET = ROLE.target;
const DRAFT = ROLE.draft;

const defaults = {
  width: 640,
  ariaLabel: 'The distribution the final token was drawn from',
  sampledName: 'residual',
  sampledRole: 'residual' as 'residual' | 'bonus',
};

/**
 * The distribution the round's last token came from: bars for the sampled distribution (after a
 * rejection normalise(max(0, p - q)), else the target's bonus row), with p and q as ticks, so a
 * reader sees that the residual lives exactly where the target wanted more than the draft gave.
 */
export function speculativeResidualChart(
  candidates: readonly ResidualCandidate[],
  options: SpeculativeResidualOptions = {},
): HTMLElement {
  const { width, ariaLabel, sampledName, sampledRole } = { ...defaults, ...options };
  const SAMPLED = ROLE[sampledRole];
  const ticks = candidates.flatMap((c) => [
    { label: c.label, value: c.target, series: 'p (target)' },
    ...(c.draft === null ? [] : [{ label: c.label, value: c.draft, series: 'q (draft)' }]),
  ]);
  const top = Math.max(0.05, ...candidates.flatMap((c) => [c.sampled, c.target, c.draft ?? 0]));
  const chart = Plot.plot({
    width,
    height: 28 * candidates.length + 70,
    marginLeft: 110,
    x: { label: 'Probability →', domain: [0, Math.min(1, top * 1.15)], grid: true },
    y: { label: 'Token', domain: candidates.map((c) => c.label) },
    color: { domain: [sampledName, 'p (target)', 'q (draft)'], range: [SAMPLED, TARGET, DRAFT] },
    marks: [
      Plot.barX(candidates, { x: 'sampled', y: 'label', fill: () => sampledName, fillOpacity: 0.75 }),
      Plot.tickX(ticks, { x: 'value', y: 'label', stroke: 'series', strokeWidth: 2.5 }),
      Plot.ruleX([0]),
    ],
  });
  return withLegend(asAccessibleImage(chart, ariaLabel), [
    { label: sampledName, color: SAMPLED, shape: 'bar' },
    { label: 'p (target)', color: TARGET, shape: 'tick' },
    ...(candidates.some((c) => c.draft !== null) ? [{ label: 'q (draft)', color: DRAFT, shape: 'tick' as const }] : []),
  ]);
}
