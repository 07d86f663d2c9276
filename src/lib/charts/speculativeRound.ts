import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL, ROLE } from './roles';
import { withLegend } from './speculativeLegend';

export interface RoundDraftPoint {
  /** The draft token as shown on the axis: "1 ␣the" (position, then visible token text). */
  label: string;
  /** min(1, p/q): the probability this token is accepted once it is reached. */
  acceptProb: number;
  /** The uniform drawn for it; null when verification stopped before this token. */
  r: number | null;
  verdict: 'accepted' | 'rejected' | 'not-verified';
}

export interface SpeculativeRoundOptions {
  width?: number;
  ariaLabel?: string;
}

const ACCEPTED = ROLE.accepted;
const REJECTED = ROLE.rejected;
const UNVERIFIED = NEUTRAL.line;

const defaults = { width: 640, ariaLabel: 'Acceptance probability of each draft token, with the uniform draw r' };

/**
 * One verification round as a picture of the rule "accept iff r <= min(1, p/q)": a bar per draft
 * token up to its acceptance probability, and a dot at the uniform r that was drawn for it. A dot
 * inside its bar is an acceptance; the first dot past its bar is the rejection that ends the round.
 */
export function speculativeRoundChart(points: readonly RoundDraftPoint[], options: SpeculativeRoundOptions = {}): HTMLElement {
  const { width, ariaLabel } = { ...defaults, ...options };
  const verified = points.filter((p) => p.r !== null);
  const chart = Plot.plot({
    width,
    height: 30 * points.length + 60,
    marginLeft: 110,
    x: { label: 'Probability →', domain: [0, 1], grid: true },
    y: { label: 'Draft token', domain: points.map((p) => p.label) },
    color: { domain: ['accepted', 'rejected', 'not-verified'], range: [ACCEPTED, REJECTED, UNVERIFIED] },
    marks: [
      Plot.barX(points, { x: 'acceptProb', y: 'label', fill: 'verdict', fillOpacity: 0.8 }),
      Plot.dot(verified, { x: 'r', y: 'label', r: 5, fill: 'var(--fg)', stroke: 'var(--surface, white)', symbol: 'diamond' }),
      Plot.text(verified, { x: 'r', y: 'label', text: (p: RoundDraftPoint) => `r ${(p.r ?? 0).toFixed(2)}`, dy: -11, fill: 'var(--fg)' }),
      Plot.ruleX([0]),
    ],
  });
  return withLegend(asAccessibleImage(chart, ariaLabel), [
    { label: 'accepted: min(1, p/q)', color: ACCEPTED, shape: 'bar' },
    { label: 'rejected', color: REJECTED, shape: 'bar' },
    { label: 'not verified', color: UNVERIFIED, shape: 'bar' },
    { label: 'uniform draw r', color: 'var(--fg)', shape: 'dot' },
  ]);
}
