import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL, ROLE } from './roles';

export interface ScoreBar {
  /** The token as shown on the axis (whitespace already made visible, unique per row). */
  label: string;
  /** The final DoLa score (log P - log Q, after any repetition penalty). */
  score: number;
  chosen: boolean;
}

export interface DolaScoreBarsOptions {
  width?: number;
  ariaLabel?: string;
}

/** Two decimals, or two significant digits for scores closer to 0 (DoLa's are often tiny). */
const formatScore = (v: number): string => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toPrecision(2));

const defaults = {
  width: 640,
  ariaLabel: 'DoLa score of each token in the relative-top head',
};

/**
 * The final scores of the tokens that passed the relative-top mask, best first: a positive score
 * means the token gained probability between the premature and the final layer. The argmax,
 * the chosen token, is drawn in the accent colour; every other token scores minus infinity.
 */
export function dolaScoreBars(bars: readonly ScoreBar[], options: DolaScoreBarsOptions = {}): Element {
  const { width, ariaLabel } = { ...defaults, ...options };
  const chart = Plot.plot({
    width,
    height: 26 * bars.length + 60,
    marginLeft: 110,
    marginRight: 50,
    x: { label: 'Score log P(x) − log Q(x) →', grid: true, nice: true },
    y: { label: 'Token', domain: bars.map((b) => b.label) },
    marks: [
      Plot.barX(bars, {
        x: 'score',
        y: 'label',
        fill: (b: ScoreBar) => (b.chosen ? ROLE.chosen : NEUTRAL.quiet),
      }),
      // Labels sit right of each bar: at its end for a positive score, at zero for a negative
      // one, so they never run into the token labels on the left.
      Plot.text(bars, {
        x: (b: ScoreBar) => Math.max(0, b.score),
        y: 'label',
        text: (b: ScoreBar) => formatScore(b.score),
        dx: 4,
        textAnchor: 'start',
        fill: 'var(--fg)',
      }),
      Plot.ruleX([0]),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
