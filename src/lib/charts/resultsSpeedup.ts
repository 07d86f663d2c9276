import * as Plot from '@observablehq/plot';
import { MEASURED, PREDICTED, type SpeedupPoint } from '../site/results';
import { asAccessibleImage } from './accessible';

/** Speculative sampling: measured and predicted speed-up over target-only decoding, by gamma, one panel per temperature. */
export function resultsSpeedup(points: readonly SpeedupPoint[], options: { width?: number; ariaLabel: string }): Element {
  const chart = Plot.plot({
    width: options.width ?? 640,
    height: 280,
    marginLeft: 50,
    fx: { label: null, tickFormat: (t: number) => `T = ${t}` },
    x: { label: 'γ (draft tokens per round) →', ticks: 8, grid: true },
    y: { label: '↑ Speed-up (× target alone)', grid: true, zero: true },
    color: { legend: true, domain: [MEASURED, PREDICTED], range: ['var(--accent)', 'var(--muted)'] },
    marks: [
      // Above this line speculative sampling is faster than the target alone.
      Plot.ruleY([1], { stroke: 'var(--fg)', strokeOpacity: 0.5 }),
      Plot.line(points, { filter: (d: SpeedupPoint) => d.series === MEASURED, x: 'gamma', y: 'speedup', fx: 'temperature', stroke: 'series', strokeWidth: 2 }),
      Plot.line(points, { filter: (d: SpeedupPoint) => d.series === PREDICTED, x: 'gamma', y: 'speedup', fx: 'temperature', stroke: 'series', strokeWidth: 2, strokeDasharray: '5,3' }),
      Plot.dot(points, { x: 'gamma', y: 'speedup', fx: 'temperature', fill: 'series', r: 3 }),
    ],
  });
  return asAccessibleImage(chart, options.ariaLabel);
}
