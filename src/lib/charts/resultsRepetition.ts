import * as Plot from '@observablehq/plot';
import type { RepetitionBar } from '../site/results';
import { asAccessibleImage } from './accessible';

/** Repeated n-grams (rep-2, rep-3, rep-4) of each method's continuations, one group of bars per method. */
export function resultsRepetition(bars: readonly RepetitionBar[], options: { width?: number; ariaLabel: string }): Element {
  const methods = [...new Set(bars.map((b) => b.method))];
  const chart = Plot.plot({
    width: options.width ?? 640,
    height: 50 + methods.length * 80,
    marginLeft: 60,
    marginRight: 10,
    x: { label: 'Repeated n-grams (%) →', domain: [0, 100], grid: true },
    y: { label: null, domain: ['rep-2', 'rep-3', 'rep-4'] },
    fy: { label: null, domain: methods, axis: null, padding: 0.3 },
    color: { domain: ['rep-2', 'rep-3', 'rep-4'], range: ['var(--accent)', 'var(--muted)', 'var(--focus)'] },
    marks: [
      Plot.barX(bars, { x: 'percent', y: 'metric', fy: 'method', fill: 'metric' }),
      Plot.text(bars, { x: 'percent', y: 'metric', fy: 'method', text: (d: RepetitionBar) => d.percent.toFixed(1), dx: 4, textAnchor: 'start', fill: 'var(--fg)' }),
      Plot.ruleX([0]),
      // The method's name above its group (a side axis would leave no room for bars on a phone).
      Plot.text(methods, { fy: (m: string) => m, text: (m: string) => m, frameAnchor: 'top-left', dy: -14, fontWeight: 'bold', fill: 'var(--fg)' }),
    ],
  });
  return asAccessibleImage(chart, options.ariaLabel);
}
