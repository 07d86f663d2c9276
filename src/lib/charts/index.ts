/**
 * The charts, each loaded on first use. Widgets name a chart from here and never import a
 * builder (or Observable Plot) directly, so a chapter's first load carries no chart code.
 */
import type { ChartBuilder, ChartLoader } from './mount';

function lazy<B extends ChartBuilder>(load: () => Promise<B>): ChartLoader<B> {
  let pending: Promise<B> | undefined;
  return () => {
    // A failed fetch (offline, a new deploy) may be retried by the next chart that asks.
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export const charts = {
  beamTree: lazy(() => import('./beamTree').then((m) => m.beamTree)),
  contrastiveRepetition: lazy(() => import('./contrastiveRepetition').then((m) => m.contrastiveRepetition)),
  contrastiveScores: lazy(() => import('./contrastiveScores').then((m) => m.contrastiveScores)),
  contrastiveTopBars: lazy(() => import('./contrastiveTopBars').then((m) => m.contrastiveTopBars)),
  dolaDivergenceBars: lazy(() => import('./dolaDivergenceBars').then((m) => m.dolaDivergenceBars)),
  dolaLayerChoices: lazy(() => import('./dolaLayerChoices').then((m) => m.dolaLayerChoices)),
  dolaLayerHeatmap: lazy(() => import('./dolaLayerHeatmap').then((m) => m.dolaLayerHeatmap)),
  dolaScoreBars: lazy(() => import('./dolaScoreBars').then((m) => m.dolaScoreBars)),
  probabilityBars: lazy(() => import('./probabilityBars').then((m) => m.probabilityBars)),
  resultsDolaLayers: lazy(() => import('./resultsDolaLayers').then((m) => m.resultsDolaLayers)),
  resultsKvCache: lazy(() => import('./resultsKvCache').then((m) => m.resultsKvCache)),
  resultsRepetition: lazy(() => import('./resultsRepetition').then((m) => m.resultsRepetition)),
  resultsSpeedup: lazy(() => import('./resultsSpeedup').then((m) => m.resultsSpeedup)),
  resultsStepLatency: lazy(() => import('./resultsStepLatency').then((m) => m.resultsStepLatency)),
  speculativeExactness: lazy(() => import('./speculativeExactness').then((m) => m.speculativeExactnessChart)),
  speculativeResidual: lazy(() => import('./speculativeResidual').then((m) => m.speculativeResidualChart)),
  speculativeRound: lazy(() => import('./speculativeRound').then((m) => m.speculativeRoundChart)),
  trainingCurve: lazy(() => import('./trainingCurve').then((m) => m.trainingCurve)),
};

export { mountChart, DEFAULT_MIN_WIDTH } from './mount';
export type { ChartBuilder, ChartData, ChartLoader, ChartMount, ChartOptions } from './mount';
