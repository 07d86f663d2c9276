import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { ROLE } from './roles';

export interface LayerCell {
  /** Hidden-state index j: 0 = embedding output, N = final layer. */
  layer: number;
  /** The token as shown on the axis (whitespace already made visible, unique per row). */
  token: string;
  prob: number;
}

export interface DolaLayerHeatmapOptions {
  width?: number;
  /** Row order: the mature layer's top tokens, most probable first. */
  tokens: string[];
  /** N, the index of the final (mature) layer. */
  matureLayer: number;
  /** The premature layer this step contrasted with, outlined. */
  prematureLayer: number;
  /** The candidate layers, marked on the axis. */
  candidateLayers: readonly number[];
  ariaLabel?: string;
}

const defaults = {
  width: 640,
  ariaLabel: 'Probability of the top tokens at every layer',
};

/**
 * The logit lens as DoLa sees it: one column per layer, one row per top token of the final layer,
 * each cell that token's probability when decoding stops at that layer. The premature layer the
 * step chose is outlined, so a reader sees which tokens grew most between it and the final layer.
 */
export function dolaLayerHeatmap(cells: readonly LayerCell[], options: DolaLayerHeatmapOptions): Element {
  const { width, ariaLabel, tokens, matureLayer, prematureLayer, candidateLayers } = { ...defaults, ...options };
  const layers = Array.from({ length: matureLayer + 1 }, (_, j) => j);
  const candidates = new Set(candidateLayers);
  const chart = Plot.plot({
    width,
    height: 26 * tokens.length + 80,
    marginLeft: 110,
    marginBottom: 40,
    x: {
      label: 'Layer j (candidate layers starred; last = final) →',
      domain: layers,
      tickFormat: (j: number) => (j === matureLayer ? `${j} final` : candidates.has(j) ? `${j}*` : String(j)),
    },
    y: { label: 'Token', domain: tokens },
    color: {
      type: 'linear',
      domain: [0, 1],
      scheme: 'blues',
      legend: true,
      label: 'Probability',
    },
    marks: [
      Plot.cell(cells, { x: 'layer', y: 'token', fill: 'prob', inset: 0.5 }),
      Plot.text(cells, {
        x: 'layer',
        y: 'token',
        text: (c: LayerCell) => (c.prob >= 0.005 ? c.prob.toFixed(2).replace(/^0/, '') : ''),
        fill: (c: LayerCell) => (c.prob > 0.5 ? 'white' : 'black'),
        fontSize: 10,
      }),
      Plot.cell(
        tokens.map((token) => ({ layer: prematureLayer, token })),
        {
          x: 'layer',
          y: 'token',
          fill: 'none',
          stroke: ROLE.premature,
          strokeWidth: 2.5,
        },
      ),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
