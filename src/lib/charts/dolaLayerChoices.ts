import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL } from './roles';

export interface LayerChoice {
  step: number;
  /** Which session: the paper's JSD or the reference code's divergence. */
  divergence: string;
  layer: number;
}

export interface DolaLayerChoicesOptions {
  width?: number;
  /** Steps at which the two sessions chose different premature layers; shaded. */
  differing: readonly number[];
  /** The candidate layers, the y axis's ticks. */
  candidateLayers: readonly number[];
  ariaLabel?: string;
}

const defaults = {
  width: 640,
  ariaLabel: 'Premature layer chosen at each step by each divergence',
};

/**
 * The premature layer each divergence chose, step by step, with the steps where they disagree
 * shaded. The two sessions may write different text after the first disagreement, so later
 * steps compare different contexts.
 */
export function dolaLayerChoices(choices: readonly LayerChoice[], options: DolaLayerChoicesOptions): Element {
  const { width, ariaLabel, differing, candidateLayers } = {
    ...defaults,
    ...options,
  };
  const lastStep = Math.max(1, ...choices.map((c) => c.step));
  const layers = [...candidateLayers].sort((a, b) => a - b);
  const chart = Plot.plot({
    width,
    height: Math.max(140, 36 * layers.length + 90),
    marginLeft: 50,
    x: {
      label: 'Step →',
      domain: [0.5, lastStep + 0.5],
      ticks: Math.min(lastStep, 16),
      tickFormat: 'd',
    },
    y: {
      label: '↑ Premature layer',
      domain: [layers[0] - 0.5, layers[layers.length - 1] + 0.5],
      ticks: layers,
      tickFormat: 'd',
    },
    color: {
      legend: true,
      domain: ['JSD (paper)', 'reference code'],
      range: [NEUTRAL.ink, NEUTRAL.quiet],
      label: 'Divergence',
    },
    symbol: {
      domain: ['JSD (paper)', 'reference code'],
      range: ['circle', 'times'],
    },
    marks: [
      Plot.rectY(differing, {
        x1: (s: number) => s - 0.5,
        x2: (s: number) => s + 0.5,
        y1: layers[0] - 0.5,
        y2: layers[layers.length - 1] + 0.5,
        fill: 'var(--muted)',
        fillOpacity: 0.25,
      }),
      Plot.dot(choices, {
        x: 'step',
        y: 'layer',
        stroke: 'divergence',
        symbol: 'divergence',
        r: 5,
        strokeWidth: 2,
      }),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
