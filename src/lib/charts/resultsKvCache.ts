import * as Plot from '@observablehq/plot';
import type { BenchKv } from '../site/results';
import { asAccessibleImage } from './accessible';

const CACHED = 'one step on the KV cache';
const RECOMPUTE = 'recompute the whole context';

/** Forward time for one new token with the KV cache vs recomputing the context, by context length, one panel per model. */
export function resultsKvCache(records: readonly BenchKv[], options: { width?: number; ariaLabel: string }): Element {
  const rows = records.flatMap((r) => [
    { model: r.model, context: r.contextTokens, series: CACHED, ms: r.cachedMedianMs },
    { model: r.model, context: r.contextTokens, series: RECOMPUTE, ms: r.recomputeMedianMs },
  ]);
  const chart = Plot.plot({
    width: options.width ?? 640,
    height: 280,
    marginLeft: 50,
    fx: { label: null },
    x: { label: 'Context (tokens) →', grid: true, zero: true },
    y: { label: '↑ Milliseconds', grid: true, zero: true },
    color: { legend: true, domain: [CACHED, RECOMPUTE], range: ['var(--accent)', 'var(--muted)'] },
    marks: [Plot.line(rows, { x: 'context', y: 'ms', fx: 'model', stroke: 'series', strokeWidth: 2 }), Plot.dot(rows, { x: 'context', y: 'ms', fx: 'model', fill: 'series', r: 3 })],
  });
  return asAccessibleImage(chart, options.ariaLabel);
}
