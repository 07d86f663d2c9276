// @vitest-environment jsdom
/**
 * Snapshot tests of every chart builder, in the style of Observable Plot's own: a fixed input,
 * the chart's markup with numbers rounded (so a floating-point wobble in a scale is not a
 * change), compared with a committed file under __snapshots__/. A deliberate change to a chart
 * is accepted with `npx vitest run tests/unit/lib/charts -u` and reviewed in the diff.
 */
import { describe, expect, it } from 'vitest';
import { charts, type ChartBuilder, type ChartLoader } from '../../../../src/lib/charts';

/** Rounds every decimal number in the markup to two places, as Plot's tests do. */
function normalise(markup: string): string {
  return markup
    .replace(/\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))
    .replace(/></g, '>\n<');
}

const WIDTH = 640;

/**
 * jsdom has no canvas; Plot paints a colour legend's ramp into a 256 x 1 canvas and embeds it as a
 * data URL. This canvas keeps the colours painted, so the snapshot records the ramp's ends.
 */
function paintableCanvas(): void {
  const painted = new WeakMap<HTMLCanvasElement, string[]>();
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    const fills: string[] = [];
    painted.set(this, fills);
    const context = { fillStyle: '', fillRect: () => fills.push(String(context.fillStyle)) };
    return context as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.toDataURL = function (this: HTMLCanvasElement) {
    const fills = painted.get(this) ?? [];
    return `data:,ramp(${fills.length} px: ${fills[0]} … ${fills.at(-1)})`;
  };
}
paintableCanvas();

interface Case {
  name: keyof typeof charts;
  data: unknown;
  options: Record<string, unknown>;
}

const label = (i: number) => [' the', ' a', ' of', ' and', ' to', ' in'][i % 6];

const cases: Case[] = [
  {
    name: 'probabilityBars',
    data: [0.41, 0.22, 0.13, 0.09, 0.05].map((before, i) => ({ label: label(i), before, after: i < 3 ? before / 0.76 : 0 })),
    options: { ariaLabel: 'Probabilities before and after top-k = 3' },
  },
  {
    name: 'beamTree',
    data: [
      { id: 0, parentId: null, step: 0, label: 'prompt', cumulativeLogprob: 0, status: 'root' },
      { id: 1, parentId: 0, step: 1, label: ' the', cumulativeLogprob: -0.9, status: 'running' },
      { id: 2, parentId: 0, step: 1, label: ' a', cumulativeLogprob: -1.6, status: 'running' },
      { id: 3, parentId: 0, step: 1, label: ' of', cumulativeLogprob: -2.8, status: 'pruned' },
      { id: 4, parentId: 1, step: 2, label: ' end', cumulativeLogprob: -1.7, status: 'finished' },
      { id: 5, parentId: 2, step: 2, label: ' man', cumulativeLogprob: -2.2, status: 'live' },
    ],
    options: { maxStep: 4, showPruned: true, ariaLabel: 'A beam search tree of two steps' },
  },
  {
    name: 'contrastiveRepetition',
    data: ['greedy', 'nucleus', 'CD'].flatMap((method, m) =>
      ['rep-2', 'rep-3', 'rep-4'].map((metric, k) => ({ method, metric, value: [80, 7, 40][m] - 3 * k })),
    ),
    options: { ariaLabel: 'Repetition of three methods' },
  },
  {
    name: 'contrastiveScores',
    data: [1.8, 1.1, 0.4, -0.3].map((score, i) => ({ label: label(i), score, chosen: i === 0, expertGreedy: i === 2 })),
    options: { ariaLabel: 'Contrastive scores of four head tokens' },
  },
  {
    name: 'contrastiveTopBars',
    data: [0.5, 0.2, 0.06, 0.03].map((prob, i) => ({ label: label(i), prob, inHead: prob >= 0.05 })),
    options: { xLabel: 'Expert probability →', threshold: 0.05, ariaLabel: "The expert's top tokens" },
  },
  {
    name: 'dolaDivergenceBars',
    data: [
      { layer: 0, value: 0.31, chosen: false },
      { layer: 2, value: 0.52, chosen: true },
      { layer: 4, value: null, chosen: false },
    ],
    options: { label: 'Jensen-Shannon divergence (nats)', ariaLabel: 'Divergence of three candidate layers' },
  },
  {
    name: 'dolaLayerChoices',
    data: [1, 2, 3, 4].flatMap((step) => [
      { step, divergence: 'JSD (paper)', layer: step === 3 ? 2 : 4 },
      { step, divergence: 'reference code', layer: 4 },
    ]),
    options: { differing: [3], candidateLayers: [2, 4], ariaLabel: 'Layers chosen over four steps' },
  },
  {
    name: 'dolaLayerHeatmap',
    data: [0, 1, 2, 3, 4].flatMap((layer) => [0, 1, 2].map((k) => ({ layer, token: label(k), prob: ((layer + 1) * (3 - k)) / 20 }))),
    options: {
      tokens: [0, 1, 2].map(label),
      matureLayer: 4,
      prematureLayer: 2,
      candidateLayers: [0, 2],
      ariaLabel: 'Logit lens over five layers',
    },
  },
  {
    name: 'dolaScoreBars',
    data: [2.1, 0.7, -0.4].map((score, i) => ({ label: label(i), score, chosen: i === 0 })),
    options: { ariaLabel: 'DoLa scores of three tokens' },
  },
  {
    name: 'speculativeExactness',
    data: [0.32, 0.21, 0.1].map((target, i) => ({ label: label(i), target, empirical: target + (i - 1) * 0.01 })),
    options: { ariaLabel: 'Empirical first tokens against p' },
  },
  {
    name: 'speculativeResidual',
    data: [
      { label: ' the', sampled: 0.6, target: 0.4, draft: 0.1 },
      { label: ' a', sampled: 0.4, target: 0.3, draft: 0.1 },
      { label: ' of', sampled: 0, target: 0.1, draft: 0.5 },
    ],
    options: { sampledName: 'residual, normalised', ariaLabel: 'The residual after a rejection' },
  },
  {
    name: 'speculativeRound',
    data: [
      { label: '1 the', acceptProb: 1, r: 0.42, verdict: 'accepted' },
      { label: '2 cat', acceptProb: 0.35, r: 0.61, verdict: 'rejected' },
      { label: '3 sat', acceptProb: 0.8, r: null, verdict: 'not-verified' },
    ],
    options: { ariaLabel: 'One round of three draft tokens' },
  },
  {
    name: 'trainingCurve',
    data: [0, 500, 1000, 1500].map((step, i) => ({ step, tokens: step * 4096, trainLoss: 8 - 1.2 * i, heldOutLoss: 8.1 - 1.1 * i })),
    options: { ariaLabel: 'Training curve over 1,500 steps' },
  },
  {
    name: 'resultsDolaLayers',
    data: [0, 1, 2, 3].map((layer) => ({ layer, accuracy: 0.1 + 0.01 * layer })),
    options: { references: [{ label: 'greedy', accuracy: 0.105 }], ariaLabel: 'Accuracy by premature layer' },
  },
  {
    name: 'resultsKvCache',
    data: [32, 128].flatMap((contextTokens) =>
      ['expert', 'amateur'].map((model) => ({
        model,
        device: 'wasm',
        contextTokens,
        cachedMedianMs: model === 'expert' ? 4 : 0.9,
        recomputeMedianMs: (model === 'expert' ? 4 : 0.9) * (contextTokens / 16),
        speedup: contextTokens / 16,
        bareRunMedianMs: model === 'expert' ? 3.2 : 0.56,
      })),
    ),
    options: { ariaLabel: 'KV cache against recompute' },
  },
  {
    name: 'resultsRepetition',
    data: ['greedy', 'CD'].flatMap((method, m) => ['rep-2', 'rep-3', 'rep-4'].map((metric, k) => ({ method, metric, percent: [84, 60][m] - 4 * k }))),
    options: { ariaLabel: 'Repetition by method' },
  },
  {
    name: 'resultsSpeedup',
    data: [1, 2, 3, 4].flatMap((gamma) => [
      { gamma, temperature: 1, series: 'measured', speedup: 0.8 + 0.1 * gamma },
      { gamma, temperature: 1, series: 'predicted from α and c', speedup: 1 + 0.15 * gamma },
    ]),
    options: { ariaLabel: 'Speculative speedup by gamma' },
  },
  {
    name: 'resultsStepLatency',
    data: [
      { method: 'greedy', label: 'Greedy (expert)', models: 'expert', device: 'wasm', medianMsPerToken: 4.2, medianForwardMsPerStep: 3.6, tokensPerStep: 1 },
      { method: 'dola', label: 'DoLa (expert)', models: 'expert', device: 'wasm', medianMsPerToken: 7.1, medianForwardMsPerStep: 6.2, tokensPerStep: 1 },
    ],
    options: { ariaLabel: 'Milliseconds per token by method' },
  },
];

describe('chart builders', () => {
  it('every chart in the catalogue has a snapshot case', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(charts).sort());
  });

  for (const { name, data, options } of cases) {
    it(`${name} draws the same chart as its snapshot`, async () => {
      const build = (await (charts[name] as ChartLoader<ChartBuilder>)()) as unknown as (d: unknown, o: unknown) => Element;
      const chart = build(data, { ...options, width: WIDTH });
      // Every chart is announced once, as an image named by its ariaLabel.
      const images = chart.matches('svg[role="img"]') ? [chart] : [...chart.querySelectorAll('svg[role="img"]')];
      expect(images).toHaveLength(1);
      expect(images[0].getAttribute('aria-label')).toBe(options.ariaLabel);
      expect(images[0].getAttribute('width')).toBe(String(WIDTH));
      await expect(normalise(chart.outerHTML)).toMatchFileSnapshot(`__snapshots__/${name}.html`);
    });
  }
});
