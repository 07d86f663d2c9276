import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plausibleHead } from '../../../../src/lib/decoding/contrastive';
import { LOG_PROB_FLOOR } from '../../../../src/lib/decoding/rows';
import { dolaCandidateLayers, dolaScores, dolaStep, layerDivergence } from '../../../../src/lib/decoding/dola';

const f32 = (values: number[]) => new Float32Array(values);
const logOf = (probs: number[]) => f32(probs.map(Math.log));
const RUNS = { seed: 42, numRuns: 200 };

const gridLogit = fc.integer({ min: -48, max: 48 }).map((k) => k / 8);
const maskableLogit = fc.oneof({ weight: 8, arbitrary: gridLogit }, { weight: 1, arbitrary: fc.constant(-Infinity) });

function rowOf(length: number, entry: fc.Arbitrary<number>) {
  return fc.array(entry, { minLength: length, maxLength: length }).map((values) => {
    if (values.every((v) => v === -Infinity)) values[0] = 0;
    return f32(values);
  });
}

/** N + 1 rows (N = 1..6 blocks) over a vocabulary of 1..10 tokens, with some -Infinity entries. */
const layerStack = (entry: fc.Arbitrary<number> = maskableLogit) =>
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 }))
    .chain(([n, v]) => fc.array(rowOf(v, entry), { minLength: n + 1, maxLength: n + 1 }));

/** A non-empty list of premature layers for a stack of `rows` rows. */
const candidatesFor = (rows: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: rows - 2 }), { minLength: 1, maxLength: rows - 1 }).map((l) => l.sort((a, b) => a - b));

const relativeTopArb = fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true }));
const divergenceArb = fc.constantFrom<'jsd' | 'reference'>('jsd', 'reference');

describe('dolaCandidateLayers (expected lists written out from the rules)', () => {
  const cases: { n: number; tied: boolean; low: number[]; high: number[] }[] = [
    // N = 2: untied start 0, N/2 = 1 -> range(0, 1, 2); tied start 1 == N/2 -> [1].
    { n: 2, tied: false, low: [0], high: [1] },
    { n: 2, tied: true, low: [1], high: [1] },
    // N = 6: N/2 = 3.
    { n: 6, tied: false, low: [0, 2], high: [3, 5] },
    { n: 6, tied: true, low: [2], high: [3, 5] },
    // N = 12: N/2 = 6.
    { n: 12, tied: false, low: [0, 2, 4], high: [6, 8, 10] },
    { n: 12, tied: true, low: [2, 4], high: [6, 8, 10] },
    // N = 32: N/2 = 16.
    { n: 32, tied: false, low: [0, 2, 4, 6, 8, 10, 12, 14], high: [16, 18, 20, 22, 24, 26, 28, 30] },
    { n: 32, tied: true, low: [2, 4, 6, 8, 10, 12, 14], high: [16, 18, 20, 22, 24, 26, 28, 30] },
    // N = 80 > 40: low = range(start, 20, 2), high = range(60, 80, 2).
    { n: 80, tied: false, low: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], high: [60, 62, 64, 66, 68, 70, 72, 74, 76, 78] },
    { n: 80, tied: true, low: [2, 4, 6, 8, 10, 12, 14, 16, 18], high: [60, 62, 64, 66, 68, 70, 72, 74, 76, 78] },
    // Around the N > 40 switch: 40 still uses N/2, 41 uses the caps.
    { n: 40, tied: false, low: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], high: [20, 22, 24, 26, 28, 30, 32, 34, 36, 38] },
    { n: 41, tied: false, low: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], high: [21, 23, 25, 27, 29, 31, 33, 35, 37, 39] },
    // Tiny models: N = 1 has start 0 == N/2 = 0; tied N = 3 starts at 2, past N/2 = 1: empty, as in the reference.
    { n: 1, tied: false, low: [0], high: [0] },
    { n: 1, tied: true, low: [0], high: [0] },
    { n: 3, tied: true, low: [], high: [1] },
    { n: 4, tied: true, low: [2], high: [2] },
  ];
  for (const { n, tied, low, high } of cases) {
    it(`N = ${n}, ${tied ? 'tied' : 'untied'} embeddings`, () => {
      expect(dolaCandidateLayers(n, 'low', tied)).toEqual(low);
      expect(dolaCandidateLayers(n, 'high', tied)).toEqual(high);
    });
  }

  it('an explicit list keeps its entries below N, in order', () => {
    expect(dolaCandidateLayers(12, [0, 11, 12, 30, 4], false)).toEqual([0, 11, 4]);
    expect(dolaCandidateLayers(12, [], true)).toEqual([]);
  });

  it('rejects bad sizes, buckets and layer indices naming the value', () => {
    expect(() => dolaCandidateLayers(0, 'low', false)).toThrow(/numLayers must be an integer >= 1, got 0/);
    expect(() => dolaCandidateLayers(2.5, 'low', false)).toThrow(/numLayers must be an integer >= 1, got 2\.5/);
    expect(() => dolaCandidateLayers(12, 'middle' as never, false)).toThrow(/bucket must be 'low', 'high' or a list.*got middle/);
    expect(() => dolaCandidateLayers(12, [-1], false)).toThrow(/candidate layer must be an integer >= 0, got -1/);
    expect(() => dolaCandidateLayers(12, [1.5], false)).toThrow(/candidate layer must be an integer >= 0, got 1\.5/);
  });
});

describe('layerDivergence (hand-computed)', () => {
  it('P = [1/2, 1/2], Q = [3/4, 1/4]: the paper JSD and the reference value', () => {
    const d = layerDivergence(f32([0, 0]), f32([Math.log(3), 0]));
    const m = [5 / 8, 3 / 8];
    const p = [1 / 2, 1 / 2];
    const q = [3 / 4, 1 / 4];
    const kl = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * Math.log(ai / b[i]), 0);
    // Written out: KL(P||M) = 1/2 ln(4/5) + 1/2 ln(4/3); KL(Q||M) = 3/4 ln(6/5) + 1/4 ln(2/3).
    const jsd = 0.5 * (0.5 * Math.log(4 / 5) + 0.5 * Math.log(4 / 3)) + 0.5 * (0.75 * Math.log(6 / 5) + 0.25 * Math.log(2 / 3));
    expect(jsd).toBeCloseTo(kl(p, m) / 2 + kl(q, m) / 2, 12);
    expect(d.jsd).toBeCloseTo(jsd, 6);
    // Reference: KL(M||P) = 5/8 ln(5/4) + 3/8 ln(3/4); KL(M||Q) = 5/8 ln(5/6) + 3/8 ln(3/2); divided by 2|V| = 4.
    const reference = (0.625 * Math.log(1.25) + 0.375 * Math.log(0.75) + 0.625 * Math.log(5 / 6) + 0.375 * Math.log(1.5)) / 4;
    expect(reference).toBeCloseTo((kl(m, p) + kl(m, q)) / 4, 12);
    expect(d.reference).toBeCloseTo(reference, 6);
  });

  it('is 0 for identical layers; the reference value is Infinity when the mature layer rules out a token', () => {
    expect(layerDivergence(f32([1, 2, 3]), f32([1, 2, 3]))).toEqual({ jsd: 0, reference: 0 });
    const d = layerDivergence(f32([0, -Infinity]), f32([0, 0]));
    expect(d.reference).toBe(Infinity);
    // JSD stays finite: P = [1, 0], Q = [1/2, 1/2], M = [3/4, 1/4].
    expect(d.jsd).toBeCloseTo(0.5 * Math.log(4 / 3) + 0.5 * (0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)), 6);
  });
});

describe('dolaScores (hand-computed)', () => {
  // Mature p = [0.6, 0.3, 0.08, 0.02]; relativeTop 0.1 cuts at 0.06: head = {0, 1, 2}.
  const mature = logOf([0.6, 0.3, 0.08, 0.02]);

  it('static DoLa: log P - log Q on the head, -Infinity outside, not renormalised', () => {
    const premature = logOf([0.2, 0.5, 0.2, 0.1]);
    const { scores, prematureLayer, divergences } = dolaScores([premature, mature], { candidateLayers: [0] });
    expect(prematureLayer).toBe(0);
    expect(divergences).toHaveLength(1);
    expect(scores[0]).toBeCloseTo(Math.log(3), 5);
    expect(scores[1]).toBeCloseTo(Math.log(0.6), 5);
    expect(scores[2]).toBeCloseTo(Math.log(0.4), 5);
    expect(scores[3]).toBe(-Infinity);
  });

  it('dynamic DoLa picks the farthest layer and contrasts against it', () => {
    const near = logOf([0.55, 0.3, 0.1, 0.05]);
    const far = logOf([0.7, 0.1, 0.1, 0.1]);
    const { scores, prematureLayer, divergences } = dolaScores([near, far, mature], { candidateLayers: [0, 1] });
    expect(prematureLayer).toBe(1);
    expect(divergences[1]).toBeGreaterThan(divergences[0]);
    expect(scores[0]).toBeCloseTo(Math.log(6 / 7), 5);
    expect(scores[1]).toBeCloseTo(Math.log(3), 5);
    expect(scores[2]).toBeCloseTo(Math.log(0.8), 5);
  });

  it('the two divergences can pick different layers', () => {
    // Mature uniform over 3 tokens; layer 0 = softmax([0, 1, 3]), layer 1 = softmax([0, 4, 4]).
    // JSD: 0.14954 (layer 0) > 0.11368 (layer 1); reference: 0.05951 (layer 0) < 0.07019 (layer 1).
    const layers = [f32([0, 1, 3]), f32([0, 4, 4]), f32([0, 0, 0])];
    const paper = dolaScores(layers, { candidateLayers: [0, 1], divergence: 'jsd' });
    const reference = dolaScores(layers, { candidateLayers: [0, 1], divergence: 'reference' });
    expect(paper.prematureLayer).toBe(0);
    expect(reference.prematureLayer).toBe(1);
    expect(paper.divergences[0]).toBeCloseTo(0.149538, 5);
    expect(paper.divergences[1]).toBeCloseTo(0.113681, 5);
    expect(reference.divergences[0]).toBeCloseTo(0.0595078, 5);
    expect(reference.divergences[1]).toBeCloseTo(0.0701927, 5);
  });

  it('ties go to the earlier layer, whatever the order of the list', () => {
    const same = logOf([0.1, 0.2, 0.7]);
    const layers = [logOf([0.5, 0.3, 0.2]), same, same, logOf([0.2, 0.3, 0.5])];
    expect(dolaScores(layers, { candidateLayers: [1, 2] }).prematureLayer).toBe(1);
    expect(dolaScores(layers, { candidateLayers: [2, 1] }).prematureLayer).toBe(1);
    expect(dolaScores(layers, { candidateLayers: [2, 1], divergence: 'reference' }).prematureLayer).toBe(1);
  });

  it('relativeTop = 0 disables the mask', () => {
    const { scores } = dolaScores([logOf([0.2, 0.5, 0.2, 0.1]), mature], { candidateLayers: [0], relativeTop: 0 });
    expect(scores[3]).toBeCloseTo(Math.log(0.2), 5);
  });

  it('a premature -Infinity inside the head gets the finite floor (no +Infinity, no NaN)', () => {
    const { scores } = dolaScores([f32([0, -Infinity, 0, 0]), mature], { candidateLayers: [0] });
    expect(scores[1]).toBeCloseTo(Math.log(0.3) - LOG_PROB_FLOOR, 4);
    expect(scores[0]).toBeCloseTo(Math.log(0.6) - Math.log(1 / 3), 5);
  });

  it('a mature -Infinity stays -Infinity even with the mask off', () => {
    const { scores } = dolaScores([f32([0, -Infinity, 0]), f32([1, -Infinity, 0])], { candidateLayers: [0], relativeTop: 0 });
    expect(scores[1]).toBe(-Infinity);
    expect(Number.isFinite(scores[0]) && Number.isFinite(scores[2])).toBe(true);
  });
});

describe('dolaStep', () => {
  const mature = logOf([0.6, 0.3, 0.08, 0.02]);
  const premature = logOf([0.3, 0.1, 0.5, 0.1]);
  // Contrast: [ln 2, ln 3, ln 0.16, -Infinity].

  it('chooses the best contrast and reports the greedy token', () => {
    const { token, trace } = dolaStep([premature, mature], { candidateLayers: [0] });
    expect(token).toBe(1);
    expect(trace.method).toBe('dola');
    expect(trace.mode).toBe('static');
    expect(trace.greedyToken).toBe(0);
    expect(trace.differsFromGreedy).toBe(true);
    expect(trace.chosen.score).toBeCloseTo(Math.log(3), 5);
    expect(trace.head.size).toBe(3);
    expect(trace.head.tokens).toEqual([0, 1, 2]);
    expect(trace.head.thresholdProb).toBeCloseTo(0.06, 6);
    expect(trace.head.thresholdLogProb).toBeCloseTo(Math.log(0.06), 5);
    expect(trace.candidates.map((c) => c.token)).toEqual([1, 0, 2]);
    expect(trace.candidates[0].matureProb).toBeCloseTo(0.3, 6);
    expect(trace.candidates[0].prematureProb).toBeCloseTo(0.1, 6);
  });

  it('applies the repetition penalty to the scores after the contrast (s > 0: s / theta; s < 0: s * theta)', () => {
    const base = { candidateLayers: [0], contextIds: [1, 2, 1] };
    // theta 1.2: ln 3 / 1.2 = 0.916 > ln 2 = 0.693, token 1 stays.
    const mild = dolaStep([premature, mature], { ...base, repetitionPenalty: 1.2 });
    expect(mild.token).toBe(1);
    expect(mild.trace.chosen.score).toBeCloseTo(Math.log(3) / 1.2, 5);
    // theta 2: ln 3 / 2 = 0.549 < ln 2, token 0 wins; token 2's negative score is multiplied.
    const strong = dolaStep([premature, mature], { ...base, repetitionPenalty: 2 });
    expect(strong.token).toBe(0);
    const c2 = strong.trace.candidates.find((c) => c.token === 2)!;
    expect(c2.contrast).toBeCloseTo(Math.log(0.16), 5);
    expect(c2.score).toBeCloseTo(2 * Math.log(0.16), 5);
    expect(c2.penalized).toBe(true);
    expect(strong.trace.candidates.find((c) => c.token === 0)!.penalized).toBe(false);
  });

  it('traces both divergences, their disagreement and the per-layer probabilities of the top tokens', () => {
    const layers = [f32([0, 1, 3]), f32([0, 4, 4]), f32([0, 0, 0])];
    const { trace } = dolaStep(layers, { candidateLayers: [0, 1], topN: 2 });
    expect(trace.mode).toBe('dynamic');
    expect(trace.matureLayer).toBe(2);
    expect(trace.prematureLayer).toBe(0);
    expect(trace.prematureLayerBy).toEqual({ jsd: 0, reference: 1 });
    expect(trace.divergencesDisagree).toBe(true);
    expect(trace.layerDivergences.map((d) => d.layer)).toEqual([0, 1]);
    expect(trace.divergences[0]).toBeCloseTo(0.149538, 5);
    expect(trace.layerDivergences[1].reference).toBeCloseTo(0.0701927, 5);
    expect(trace.topTokens).toEqual([0, 1]); // uniform mature layer: ties by id
    expect(trace.layerProbs).toHaveLength(3);
    const e = Math.E;
    expect(trace.layerProbs[0][0]).toBeCloseTo(1 / (1 + e + e ** 3), 6);
    expect(trace.layerProbs[0][1]).toBeCloseTo(e / (1 + e + e ** 3), 6);
    expect(trace.layerProbs[2][1]).toBeCloseTo(1 / 3, 6);
  });

  it('round-trips its trace through JSON, Infinity divergences and an open mask included', () => {
    const { trace } = dolaStep([f32([0, 0]), f32([0, -Infinity])], { candidateLayers: [0], divergence: 'reference', relativeTop: 0 });
    expect(trace.divergences[0]).toBeNull();
    expect(trace.head.thresholdLogProb).toBeNull();
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});

describe('validation', () => {
  const layers = [f32([0, 1]), f32([1, 0]), f32([2, 0])];
  it('names the parameter, its range and the value it got', () => {
    expect(() => dolaScores(layers, { candidateLayers: [0], relativeTop: 1.5 })).toThrow(/relativeTop must be a number >= 0 and <= 1, got 1\.5/);
    expect(() => dolaScores(layers, { candidateLayers: [0], relativeTop: -0.1 })).toThrow(/relativeTop.*got -0\.1/);
    expect(() => dolaScores(layers, { candidateLayers: [2] })).toThrow(/candidate layer must be an integer >= 0 and <= 1, got 2/);
    expect(() => dolaScores(layers, { candidateLayers: [-1] })).toThrow(/candidate layer .*got -1/);
    expect(() => dolaScores(layers, { candidateLayers: [] })).toThrow(/candidateLayers must list at least 1 premature layer/);
    expect(() => dolaScores(layers, { candidateLayers: [0], divergence: 'kl' as never })).toThrow(/divergence must be one of jsd, reference, got kl/);
    expect(() => dolaStep(layers, { candidateLayers: [0], repetitionPenalty: 0 })).toThrow(/repetitionPenalty must be a number > 0, got 0/);
    expect(() => dolaStep(layers, { candidateLayers: [0], contextIds: [2] })).toThrow(/contextIds must hold token ids in \[0, 1\], got 2/);
    expect(() => dolaStep(layers, { candidateLayers: [0], topN: 0 })).toThrow(/topN must be an integer >= 1, got 0/);
  });

  it('rejects too few layers, ragged vocabularies and unusable logits', () => {
    expect(() => dolaScores([f32([0, 1])], { candidateLayers: [0] })).toThrow(/at least 2 rows/);
    expect(() => dolaScores([f32([0, 1]), f32([0, 1, 2])], { candidateLayers: [0] })).toThrow(/layerLogits\[1\] has 3 logits, layer 0 has 2/);
    expect(() => dolaScores([f32([0, Number.NaN]), f32([0, 1])], { candidateLayers: [0] })).toThrow(/layerLogits\[0\].*NaN at index 1/);
    expect(() => dolaScores([f32([0, 1]), f32([-Infinity, -Infinity])], { candidateLayers: [0] })).toThrow(/every entry of layerLogits\[1\] is -Infinity/);
    expect(() => layerDivergence(f32([0, 1]), f32([0]))).toThrow(/one vocabulary, got 2 and 1/);
  });
});

describe('properties (ALGORITHMS.md)', () => {
  it('a premature distribution equal to the mature one scores 0 on the head', () => {
    fc.assert(
      fc.property(layerStack(), relativeTopArb, (layers, relativeTop) => {
        const mature = layers[layers.length - 1];
        const copy = [...layers.slice(0, -1).map(() => mature.slice()), mature];
        const { scores } = dolaScores(copy, { candidateLayers: [0], relativeTop });
        const head = plausibleHead(mature, relativeTop);
        for (let x = 0; x < scores.length; x++) {
          if (head.mask[x] && mature[x] !== -Infinity) expect(scores[x]).toBe(0);
          else expect(scores[x]).toBe(-Infinity);
        }
      }),
      RUNS,
    );
  });

  it('the chosen token lies in the relative-top head; scores are never NaN or +Infinity', () => {
    fc.assert(
      fc.property(
        layerStack().chain((layers) =>
          fc.tuple(
            fc.constant(layers),
            candidatesFor(layers.length),
            fc.array(fc.integer({ min: 0, max: layers[0].length - 1 }), { maxLength: 5 }),
          ),
        ),
        relativeTopArb,
        divergenceArb,
        fc.constantFrom(1, 1.2, 3, 0.5),
        ([layers, candidateLayers, contextIds], relativeTop, divergence, repetitionPenalty) => {
          const mature = layers[layers.length - 1];
          const { scores, prematureLayer, divergences } = dolaScores(layers, { candidateLayers, divergence, relativeTop });
          const { token, trace } = dolaStep(layers, { candidateLayers, divergence, relativeTop, contextIds, repetitionPenalty });
          const head = plausibleHead(mature, relativeTop);
          expect(head.mask[token]).toBe(1);
          expect(mature[token]).not.toBe(-Infinity);
          expect(candidateLayers).toContain(prematureLayer);
          expect(trace.prematureLayer).toBe(prematureLayer);
          expect(divergences).toHaveLength(candidateLayers.length);
          // The chosen layer has the largest divergence, and no earlier-numbered layer ties it.
          const best = Math.max(...divergences);
          const chosen = divergences[candidateLayers.indexOf(prematureLayer)];
          expect(chosen).toBe(best);
          candidateLayers.forEach((layer, i) => {
            if (divergences[i] === best) expect(layer).toBeGreaterThanOrEqual(prematureLayer);
          });
          for (let x = 0; x < scores.length; x++) {
            expect(Number.isNaN(scores[x])).toBe(false);
            expect(scores[x]).not.toBe(Infinity);
            if (!head.mask[x]) expect(scores[x]).toBe(-Infinity);
          }
          expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
          expect(trace.layerProbs).toHaveLength(layers.length);
        },
      ),
      RUNS,
    );
  });

  it('reused working storage: a call gives the same result whatever ran before it, and later calls leave earlier results alone', () => {
    fc.assert(
      fc.property(layerStack(), layerStack(), relativeTopArb, divergenceArb, (first, second, relativeTop, divergence) => {
        const optionsFor = (layers: Float32Array[]) => ({ candidateLayers: layers.slice(0, -1).map((_, j) => j), relativeTop, divergence });
        const alone = dolaStep(first, optionsFor(first));
        const kept = JSON.stringify(alone.trace);
        const scoresAlone = dolaScores(first, optionsFor(first)).scores.slice();
        dolaStep(second, optionsFor(second));
        dolaScores(second, optionsFor(second));
        layerDivergence(second[0], second[second.length - 1]);
        expect(JSON.stringify(alone.trace)).toBe(kept);
        expect(dolaStep(first, optionsFor(first)).trace).toEqual(alone.trace);
        expect(dolaScores(first, optionsFor(first)).scores).toEqual(scoresAlone);
      }),
      RUNS,
    );
  });

  it('no function mutates its inputs', () => {
    fc.assert(
      fc.property(layerStack(), relativeTopArb, divergenceArb, (layers, relativeTop, divergence) => {
        const before = layers.map((row) => row.slice());
        const candidateLayers = layers.slice(0, -1).map((_, j) => j);
        const candidatesBefore = [...candidateLayers];
        const contextIds = [0, 0];
        dolaScores(layers, { candidateLayers, relativeTop, divergence });
        dolaStep(layers, { candidateLayers, relativeTop, divergence, contextIds, repetitionPenalty: 1.2 });
        layerDivergence(layers[0], layers[layers.length - 1]);
        const bucket = [0, 1, 99];
        dolaCandidateLayers(4, bucket, false);
        expect(layers).toEqual(before);
        expect(candidateLayers).toEqual(candidatesBefore);
        expect(contextIds).toEqual([0, 0]);
        expect(bucket).toEqual([0, 1, 99]);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
