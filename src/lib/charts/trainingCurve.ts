import * as Plot from '@observablehq/plot';
import type { CurvePoint } from '../site/model-card';
import { asAccessibleImage } from './accessible';

export interface TrainingCurveOptions {
  width?: number;
  ariaLabel?: string;
}

/** Training and held-out loss (nats per token) against the training step, one line each. */
export function trainingCurve(points: readonly CurvePoint[], options: TrainingCurveOptions = {}): Element {
  const width = options.width ?? 640;
  const rows = points.flatMap((p) => [
    { step: p.step, loss: p.trainLoss, series: 'training batches' },
    { step: p.step, loss: p.heldOutLoss, series: 'held-out (quick)' },
  ]);
  const chart = Plot.plot({
    width,
    height: 260,
    marginLeft: 50,
    x: { label: 'Training step →', grid: true },
    y: { label: '↑ Loss (nats per token)', grid: true },
    color: { legend: true, domain: ['training batches', 'held-out (quick)'], range: ['var(--muted)', 'var(--accent)'] },
    marks: [Plot.line(rows, { x: 'step', y: 'loss', stroke: 'series', strokeWidth: 2 }), Plot.dot(rows, { x: 'step', y: 'loss', fill: 'series', r: 2 })],
  });
  return asAccessibleImage(chart, options.ariaLabel ?? 'Training and held-out loss by training step');
}
