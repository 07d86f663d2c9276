import * as Plot from '@observablehq/plot';
import type { BenchStep } from '../site/results';
import { asAccessibleImage } from './accessible';

/** Milliseconds per emitted token of each method on one device, as the page sees it. */
export function resultsStepLatency(steps: readonly BenchStep[], options: { width?: number; ariaLabel: string }): Element {
  const chart = Plot.plot({
    width: options.width ?? 640,
    height: 60 + steps.length * 32,
    marginLeft: 260,
    x: { label: 'Milliseconds per token →', grid: true, zero: true },
    y: { label: null, domain: steps.map((s) => s.label) },
    marks: [Plot.barX(steps, { x: 'medianMsPerToken', y: 'label', fill: 'var(--accent)' }), Plot.ruleX([0])],
  });
  return asAccessibleImage(chart, options.ariaLabel);
}
