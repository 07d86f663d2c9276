import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';
import { NEUTRAL, ROLE } from './roles';

export interface ContrastiveScoreBar {
  /** The token as shown on the axis (whitespace already made visible). */
  label: string;
  /** The contrastive score from the trace. */
  score: number;
  chosen: boolean;
  /** What the expert alone would pick (greedy). */
  expertGreedy: boolean;
}

export interface ContrastiveScoresOptions {
  width?: number;
  ariaLabel?: string;
}

const defaults = { width: 640, ariaLabel: 'Contrastive scores of the tokens in the plausible head' };

function role(b: ContrastiveScoreBar): string {
  if (b.chosen) return 'chosen by CD';
  return b.expertGreedy ? "expert's greedy pick" : 'other head token';
}

/**
 * The contrastive score of each head token as a horizontal bar from zero (scores can be negative:
 * they are differences of log-probabilities or of weighted logits), the chosen token highlighted
 * and the expert's own greedy pick marked, so a reader sees where the amateur changed the choice.
 */
export function contrastiveScores(bars: readonly ContrastiveScoreBar[], options: ContrastiveScoresOptions = {}): Element {
  const { width, ariaLabel } = { ...defaults, ...options };
  const chart = Plot.plot({
    width,
    height: 24 * bars.length + 60,
    marginLeft: 90,
    marginRight: 110,
    x: { label: 'Contrastive score →', grid: true, nice: true },
    y: { label: 'Token', domain: bars.map((b) => b.label) },
    // No legend (Plot's legend is a separate element): the text beside each bar names its role.
    color: {
      domain: ['chosen by CD', "expert's greedy pick", 'other head token'],
      range: [ROLE.chosen, ROLE.target, NEUTRAL.quiet],
    },
    marks: [
      Plot.barX(bars, { x: 'score', y: 'label', fill: role }),
      Plot.text(bars, {
        x: 'score',
        y: 'label',
        text: (b: ContrastiveScoreBar) => `${b.score.toFixed(2)}${b.chosen ? ' chosen' : b.expertGreedy ? ' expert greedy' : ''}`,
        dx: 4,
        textAnchor: 'start',
        fill: 'var(--fg)',
      }),
      Plot.ruleX([0]),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
