import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL, ROLE } from './roles';

export interface DivergenceBar {
  layer: number;
  /** The divergence from the final layer; null stands for Infinity (drawn at the axis end). */
  value: number | null;
  chosen: boolean;
}

export interface DolaDivergenceBarsOptions {
  width?: number;
  /** Axis label naming the divergence, e.g. "Jensen-Shannon divergence (nats)". */
  label: string;
  ariaLabel?: string;
}

const defaults = {
  width: 640,
  ariaLabel: 'Divergence of each candidate layer from the final layer',
};

/**
 * One bar per candidate premature layer: how far its next-token distribution is from the final
 * layer's. DoLa contrasts with the farthest one, drawn in the accent colour.
 */
export function dolaDivergenceBars(bars: readonly DivergenceBar[], options: DolaDivergenceBarsOptions): Element {
  const { width, ariaLabel, label } = { ...defaults, ...options };
  const finite = bars.map((b) => b.value).filter((v): v is number => v !== null);
  const top = Math.max(1e-12, ...finite) * 1.15;
  const rows = bars.map((b) => ({
    ...b,
    shown: b.value ?? top,
    name: `layer ${b.layer}`,
  }));
  const chart = Plot.plot({
    width,
    height: 34 * bars.length + 60,
    marginLeft: 70,
    marginRight: 70,
    x: { label: `${label} →`, domain: [0, top], grid: true },
    y: { label: 'Candidate layer', domain: rows.map((r) => r.name) },
    marks: [
      Plot.barX(rows, {
        x: 'shown',
        y: 'name',
        fill: (r: { chosen: boolean }) => (r.chosen ? ROLE.premature : NEUTRAL.quiet),
      }),
      Plot.text(rows, {
        x: 'shown',
        y: 'name',
        text: (r: DivergenceBar) => (r.value === null ? '∞' : r.value.toPrecision(3)) + (r.chosen ? ' (chosen)' : ''),
        dx: 4,
        textAnchor: 'start',
        fill: 'var(--fg)',
      }),
      Plot.ruleX([0]),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
