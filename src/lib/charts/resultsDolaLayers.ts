import * as Plot from '@observablehq/plot';
import type { DolaLayerBar, DolaReference } from '../site/results';
import { asAccessibleImage } from './accessible';

/** DoLa with a fixed premature layer: factual accuracy by layer, with greedy and the dynamic buckets as lines. */
export function resultsDolaLayers(
  bars: readonly DolaLayerBar[],
  options: { width?: number; ariaLabel: string; references: readonly DolaReference[] },
): Element {
  const { references } = options;
  const chart = Plot.plot({
    width: options.width ?? 640,
    height: 300,
    marginLeft: 50,
    marginRight: 10,
    x: { label: 'Premature layer (0 = embeddings) →', type: 'band' },
    y: { label: '↑ Exact-match accuracy (%)', grid: true, zero: true, transform: (a: number) => a * 100 },
    marks: [
      Plot.barY(bars, { x: 'layer', y: 'accuracy', fill: 'var(--accent)' }),
      Plot.ruleY(references, { y: 'accuracy', stroke: 'var(--muted)', strokeDasharray: '4,3' }),
      Plot.text(references, { y: 'accuracy', text: 'label', frameAnchor: 'right', textAnchor: 'end', dy: -7, fill: 'var(--fg)', stroke: 'var(--bg)', strokeWidth: 3, paintOrder: 'stroke' }),
      Plot.ruleY([0]),
    ],
  });
  return asAccessibleImage(chart, options.ariaLabel);
}
