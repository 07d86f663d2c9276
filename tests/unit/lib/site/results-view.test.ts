import { describe, expect, it } from 'vitest';
import {
  best,
  dolaLabel,
  dolaLayerBars,
  dolaReferences,
  MEASURED,
  methodLabel,
  PREDICTED,
  repetitionBars,
  speedupPoints,
  type BenchSpeculative,
  type EvalDolaRecord,
  type EvalTextRecord,
} from '../../../../src/lib/site/results';

const dola = (over: Partial<EvalDolaRecord>): EvalDolaRecord => ({
  config: 'x',
  method: 'dola',
  bucket: 'static',
  layer: 0,
  divergence: null,
  repetitionPenalty: 1.2,
  prompts: 100,
  correct: 0,
  accuracy: 0,
  originalPrompts: 60,
  originalCorrect: 0,
  originalAccuracy: 0,
  ...over,
});

describe('results page rows', () => {
  it('speedupPoints gives a measured and a predicted point per record', () => {
    const record = { gamma: 3, temperature: 1, measuredSpeedup: 0.9, expectedSpeedup: 1.7 } as BenchSpeculative;
    expect(speedupPoints([record])).toEqual([
      { gamma: 3, temperature: 1, series: MEASURED, speedup: 0.9 },
      { gamma: 3, temperature: 1, series: PREDICTED, speedup: 1.7 },
    ]);
  });

  it('repetitionBars keeps rep-2, rep-3 and rep-4 of each method under its reader-facing name', () => {
    const cd = { config: 'cd-li2022-alpha0.1-tau0.5', method: 'contrastive', variant: 'li2022', alpha: 0.1, beta: null, amateurTemperature: 0.5, rep2: 60, rep3: 50, rep4: 40 } as EvalTextRecord;
    expect(repetitionBars([cd])).toEqual([
      { method: 'CD li2022 (α 0.1, τ 0.5)', metric: 'rep-2', percent: 60 },
      { method: 'CD li2022 (α 0.1, τ 0.5)', metric: 'rep-3', percent: 50 },
      { method: 'CD li2022 (α 0.1, τ 0.5)', metric: 'rep-4', percent: 40 },
    ]);
    expect(methodLabel({ config: 'nucleus-p0.95', method: 'sampling', variant: null, alpha: null, beta: null, amateurTemperature: null })).toBe('Nucleus (p 0.95)');
    expect(methodLabel({ config: 'cd-obrien2023-beta0.5', method: 'contrastive', variant: 'obrien2023', alpha: 0.1, beta: 0.5, amateurTemperature: null })).toBe('CD obrien2023 (β 0.5)');
    expect(methodLabel({ config: 'cd-li2022-alpha0.1-tau1', method: 'contrastive', variant: 'li2022', alpha: 0.1, beta: null, amateurTemperature: 1 })).toBe('CD li2022 (α 0.1, τ 1)');
  });

  it('DoLa: static layers become bars in layer order, the other rows one reference line per accuracy', () => {
    const rows = [
      dola({ layer: 3, accuracy: 0.04 }),
      dola({ layer: 1, accuracy: 0.03 }),
      dola({ method: 'greedy', bucket: null, layer: null, repetitionPenalty: 1, accuracy: 0.005 }),
      dola({ method: 'greedy', bucket: null, layer: null, accuracy: 0.005 }),
      dola({ bucket: 'low', layer: null, divergence: 'jsd', accuracy: 0.035 }),
      dola({ bucket: 'low', layer: null, divergence: 'reference', accuracy: 0.035 }),
      dola({ bucket: 'high', layer: null, divergence: 'jsd', accuracy: 0.028 }),
    ];
    expect(dolaLayerBars(rows)).toEqual([
      { layer: 1, accuracy: 0.03 },
      { layer: 3, accuracy: 0.04 },
    ]);
    expect(dolaReferences(rows)).toEqual([
      { label: 'greedy', accuracy: 0.005 },
      { label: 'dynamic, high bucket', accuracy: 0.028 },
      { label: 'dynamic, low bucket', accuracy: 0.035 },
    ]);
    expect(dolaLabel(rows[4])).toBe('DoLa, low bucket, JSD (paper), penalty 1.2');
    expect(dolaLabel(rows[2])).toBe('Greedy');
  });

  it('best picks the highest score and is undefined for no rows', () => {
    expect(best([{ v: 1 }, { v: 3 }, { v: 2 }], (r) => r.v)).toEqual({ v: 3 });
    expect(best([] as Array<{ v: number }>, (r) => r.v)).toBeUndefined();
  });
});
