import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { ROLE } from './roles';

export interface ProbabilityBar {
  /** The token as shown on the axis (whitespace already made visible). */
  label: string;
  /** Probability before the method changed anything. */
  before: number;
  /** Probability after the method; 0 for a removed token. */
  after: number;
}

export interface ProbabilityBarsOptions {
  width?: number;
  /** Accessible description of the chart as a whole. */
  ariaLabel?: string;
  /** The document to draw in: the page's, or one made at build time (prerender.ts). */
  document?: Document;
}

const defaults = { width: 640, ariaLabel: 'Probability of each candidate token before and after' };

/**
 * Horizontal bars: the processed probability of each token, with a tick at its original
 * probability, so a reader sees both where mass was removed and where it went.
 */
export function probabilityBars(bars: readonly ProbabilityBar[], options: ProbabilityBarsOptions = {}): Element {
  const { width, ariaLabel, document } = { ...defaults, ...options };
  const order = bars.map((b) => b.label);
  const chart = Plot.plot({
    ...(document ? { document } : {}),
    width,
    height: 28 * bars.length + 50,
    marginLeft: 110,
    x: { label: 'Probability →', domain: [0, 1], grid: true, percent: false },
    y: { label: 'Token', domain: order },
    marks: [
      Plot.barX(bars, { x: 'after', y: 'label', fill: ROLE.target }),
      Plot.tickX(bars, { x: 'before', y: 'label', stroke: 'var(--fg)', strokeWidth: 2 }),
      Plot.text(bars, {
        x: 'after',
        y: 'label',
        text: (b: ProbabilityBar) => b.after.toFixed(3),
        dx: 4,
        textAnchor: 'start',
        fill: 'var(--fg)',
      }),
      Plot.ruleX([0]),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
