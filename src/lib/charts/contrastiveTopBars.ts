import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL, ROLE } from './roles';

export interface ContrastiveTopBar {
  /** The token as shown on the axis (whitespace already made visible). */
  label: string;
  prob: number;
  /** In the expert's plausible head (only these tokens can be chosen). */
  inHead: boolean;
}

export interface ContrastiveTopBarsOptions {
  width?: number;
  /** Axis label naming the model, e.g. "Expert probability →". */
  xLabel?: string;
  /** alpha · max p_exp, drawn as a dashed rule on the expert's chart; omit on the amateur's. */
  threshold?: number | null;
  /** Whose distribution: the expert's bars take the target colour, the amateur's the draft colour. */
  role?: 'target' | 'draft';
  ariaLabel?: string;
}

const defaults = {
  width: 320,
  xLabel: 'Probability →',
  threshold: null,
  role: 'target' as 'target' | 'draft',
  ariaLabel: 'Probability of the most likely tokens',
};

/**
 * One model's most likely tokens as horizontal bars, tokens in the expert's plausible head in the
 * model's role colour and the others grey; on the expert's chart a dashed rule marks the head's cut-off
 * alpha · max p_exp, so the reader sees which bars clear it. Drawn once per model, side by side.
 */
export function contrastiveTopBars(bars: readonly ContrastiveTopBar[], options: ContrastiveTopBarsOptions = {}): Element {
  const { width, xLabel, threshold, role, ariaLabel } = { ...defaults, ...options };
  const maxProb = Math.max(0.05, ...bars.map((b) => b.prob));
  const chart = Plot.plot({
    width,
    height: 24 * bars.length + 50,
    marginLeft: 90,
    marginRight: 40,
    x: { label: xLabel, domain: [0, maxProb], grid: true },
    y: { label: 'Token', domain: bars.map((b) => b.label) },
    color: { domain: ['in the head', 'outside the head'], range: [ROLE[role], NEUTRAL.quiet] },
    marks: [
      Plot.barX(bars, { x: 'prob', y: 'label', fill: (b: ContrastiveTopBar) => (b.inHead ? 'in the head' : 'outside the head') }),
      Plot.text(bars, { x: 'prob', y: 'label', text: (b: ContrastiveTopBar) => b.prob.toFixed(3), dx: 4, textAnchor: 'start', fill: 'var(--fg)' }),
      ...(threshold !== null ? [Plot.ruleX([threshold], { stroke: 'var(--fg)', strokeDasharray: '4,3' })] : []),
      Plot.ruleX([0]),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
