import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';

export interface RepetitionBar {
  /** The decoding method, e.g. "Greedy". */
  method: string;
  /** The metric, e.g. "rep-2". */
  metric: string;
  /** rep-n in percent (0 to 100). */
  value: number;
}

export interface ContrastiveRepetitionOptions {
  width?: number;
  ariaLabel?: string;
}

const defaults = { width: 640, ariaLabel: 'Repeated n-grams of each method, in percent' };

/**
 * rep-2, rep-3 and rep-4 of each method's generation as grouped horizontal bars (one group per
 * method), on a fixed 0-100 % axis so the bars can be compared as the texts grow.
 */
export function contrastiveRepetition(bars: readonly RepetitionBar[], options: ContrastiveRepetitionOptions = {}): Element {
  const { width, ariaLabel } = { ...defaults, ...options };
  const methods = [...new Set(bars.map((b) => b.method))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  const chart = Plot.plot({
    width,
    height: methods.length * metrics.length * 18 + 70,
    marginLeft: 50,
    marginRight: 70,
    x: { label: 'Repeated n-grams (%) →', domain: [0, 100], grid: true },
    y: { label: null, domain: metrics },
    fy: { label: null, domain: methods },
    // The metric is the y tick label, so no legend is needed.
    color: { domain: metrics, scheme: 'tableau10' },
    marks: [
      Plot.barX(bars, { x: 'value', y: 'metric', fy: 'method', fill: 'metric' }),
      // Values of long bars go inside the bar (black: readable on all three colours), so they never
      // run into the method labels on the right.
      Plot.text(
        bars.filter((b) => b.value <= 70),
        { x: 'value', y: 'metric', fy: 'method', text: (b: RepetitionBar) => b.value.toFixed(1), dx: 4, textAnchor: 'start', fill: 'var(--fg)' },
      ),
      Plot.text(
        bars.filter((b) => b.value > 70),
        { x: 'value', y: 'metric', fy: 'method', text: (b: RepetitionBar) => b.value.toFixed(1), dx: -4, textAnchor: 'end', fill: 'black' },
      ),
      Plot.ruleX([0]),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
