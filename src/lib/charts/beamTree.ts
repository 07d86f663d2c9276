import * as Plot from '@observablehq/plot';
import { asAccessibleImage } from './accessible';

/**
 * What a node of the beam tree is now:
 * - 'root': the prompt;
 * - 'running': the last token of a running beam (the search continues from it);
 * - 'finished': a kept hypothesis (ended by EOS or by the token limit);
 * - 'live': an earlier token that a running beam or kept hypothesis still goes through;
 * - 'pruned': a candidate nothing kept descends from any more.
 */
export type BeamTreeStatus = 'root' | 'running' | 'finished' | 'live' | 'pruned';

export interface BeamTreeNode {
  id: number;
  parentId: number | null;
  /** Generated tokens up to and including this node (0 for the root). */
  step: number;
  /** The node's token as shown (whitespace already made visible); the root's is "prompt". */
  label: string;
  cumulativeLogprob: number;
  status: BeamTreeStatus;
}

export interface BeamTreeOptions {
  /** The width available; the chart grows wider (for a scrolling container) when steps need it. */
  width?: number;
  /** The last step the x axis shows (e.g. the search's maxNewTokens). */
  maxStep?: number;
  /** Draw the candidates that were pruned (default true). */
  showPruned?: boolean;
  ariaLabel?: string;
}

const defaults = { width: 640, maxStep: 0, showPruned: true, ariaLabel: 'Beam search tree' };

/** Room for a label such as "␣little -8.42" beside its dot. */
const COLUMN_WIDTH = 104;
/** Rows tight enough that a default search (3 beams, 8 tokens, pruned candidates shown) fits one screen. */
const ROW_HEIGHT = 18;
const MARGIN_LEFT = 20;
const MARGIN_RIGHT = 110;

interface Placed extends BeamTreeNode {
  y: number;
}

/**
 * Tidy-tree placement: leaves take consecutive rows in the order the search ranked them, and a
 * parent sits midway between its first and last child. Only arranges; no beam maths here.
 */
function place(nodes: readonly BeamTreeNode[]): { placed: Placed[]; rows: number } {
  const children = new Map<number, BeamTreeNode[]>();
  for (const node of nodes) {
    if (node.parentId === null) continue;
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }
  const y = new Map<number, number>();
  let rows = 0;
  const visit = (node: BeamTreeNode): number => {
    const kids = children.get(node.id) ?? [];
    let at: number;
    if (kids.length === 0) at = rows++;
    else {
      const ys = kids.map(visit);
      at = (ys[0] + ys[ys.length - 1]) / 2;
    }
    y.set(node.id, at);
    return at;
  };
  for (const root of nodes.filter((n) => n.parentId === null)) visit(root);
  return { placed: nodes.map((n) => ({ ...n, y: y.get(n.id) ?? 0 })), rows: Math.max(rows, 1) };
}

/**
 * The beam search tree growing left to right: one column per generated token, every candidate the
 * search considered as a dot labelled with its token and cumulative log-probability, the paths of
 * the running beams in the accent colour, finished hypotheses as squares, pruned branches faded
 * and dashed.
 */
export function beamTree(nodes: readonly BeamTreeNode[], options: BeamTreeOptions = {}): Element {
  const { width, maxStep, showPruned, ariaLabel } = { ...defaults, ...options };
  const shown = showPruned ? nodes : nodes.filter((n) => n.status !== 'pruned');
  const { placed, rows } = place(shown);
  const byId = new Map(placed.map((n) => [n.id, n]));
  const lastStep = Math.max(maxStep, ...placed.map((n) => n.step), 1);
  const links = placed
    .filter((n) => n.parentId !== null && byId.has(n.parentId))
    .map((n) => ({ status: n.status, x1: byId.get(n.parentId!)!.step, y1: byId.get(n.parentId!)!.y, x2: n.step, y2: n.y }));
  const of = <T extends { status: BeamTreeStatus }>(list: T[], ...statuses: BeamTreeStatus[]): T[] =>
    list.filter((item) => statuses.includes(item.status));
  const label = (n: Placed): string => (n.status === 'root' ? n.label : `${n.label} ${n.cumulativeLogprob.toFixed(2)}`);
  const textStyle = {
    x: 'step',
    y: 'y',
    text: label,
    dx: 8,
    textAnchor: 'start',
    fontFamily: 'var(--font-mono)',
    fontSize: 11,
    stroke: 'var(--bg)',
    strokeWidth: 3,
    paintOrder: 'stroke',
  } as const;

  const chart = Plot.plot({
    width: Math.max(width, MARGIN_LEFT + MARGIN_RIGHT + lastStep * COLUMN_WIDTH),
    height: rows * ROW_HEIGHT + 50,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop: 12,
    // Never scaled down to fit: the labels stay readable and the container scrolls sideways.
    style: { maxWidth: 'none' },
    x: { label: 'Generated tokens →', domain: [0, lastStep], ticks: lastStep + 1, tickFormat: 'd', grid: true },
    // Row 0 (the best-ranked branch) at the top.
    y: { axis: null, domain: [-0.5, rows - 0.5], reverse: true },
    marks: [
      Plot.link(of(links, 'pruned'), {
        x1: 'x1',
        y1: 'y1',
        x2: 'x2',
        y2: 'y2',
        curve: 'bump-x',
        stroke: 'var(--muted)',
        strokeOpacity: 0.6,
        strokeDasharray: '3,3',
      }),
      Plot.link(of(links, 'live', 'finished'), { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', curve: 'bump-x', stroke: 'var(--fg)', strokeWidth: 1.5 }),
      Plot.link(of(links, 'running'), { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', curve: 'bump-x', stroke: 'var(--accent)', strokeWidth: 3 }),
      Plot.dot(of(placed, 'pruned'), { x: 'step', y: 'y', r: 3, fill: 'var(--muted)', fillOpacity: 0.6 }),
      Plot.dot(of(placed, 'live', 'root'), { x: 'step', y: 'y', r: 3.5, fill: 'var(--fg)' }),
      Plot.dot(of(placed, 'running'), { x: 'step', y: 'y', r: 5, fill: 'var(--accent)' }),
      Plot.dot(of(placed, 'finished'), { x: 'step', y: 'y', r: 5, symbol: 'square', fill: 'var(--fg)' }),
      Plot.text(of(placed, 'pruned'), { ...textStyle, fill: 'var(--muted)' }),
      Plot.text(of(placed, 'live', 'root', 'finished'), { ...textStyle, fill: 'var(--fg)' }),
      Plot.text(of(placed, 'running'), { ...textStyle, fill: 'var(--accent)', fontWeight: 'bold' }),
    ],
  });
  return asAccessibleImage(chart, ariaLabel);
}
