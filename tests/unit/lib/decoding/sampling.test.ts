import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropy, softmax } from '../../../../src/lib/decoding/numerics';
import { createRandom } from '../../../../src/lib/decoding/prng';
import { processLogits, repetitionPenalty, type SamplingOptions } from '../../../../src/lib/decoding/processors';
import { finalDistribution, greedyStep, sampleStep } from '../../../../src/lib/decoding/sampling';
import { chiSquareGoodnessOfFit } from '../../../../src/lib/stats';

const NEG = -Infinity;
const f32 = (values: number[]) => Float32Array.from(values);
const never = () => {
  throw new Error('random() must not be called');
};

/** Rows of 2..30 distinct finite logits (distinct, so the argmax is unique). */
const distinctRowArb = fc
  .uniqueArray(fc.integer({ min: -2000, max: 2000 }), { minLength: 2, maxLength: 30 })
  .map((xs) => Float32Array.from(xs, (x) => x / 100));

/** Rows of 1..30 logits that may tie and may hold -Infinity, with one finite entry at least. */
const rowArb = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -8, max: 8 }) }, { weight: 1, arbitrary: fc.constant(NEG) }), {
    minLength: 1,
    maxLength: 30,
  })
  .filter((xs) => xs.some((x) => x !== NEG))
  .map((xs) => Float32Array.from(xs));

const optionsArb: fc.Arbitrary<SamplingOptions> = fc.record({
  temperature: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0.05, max: 3, noNaN: true })),
  topK: fc.integer({ min: 0, max: 6 }),
  topP: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  minP: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  typical: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
  repetitionPenalty: fc.oneof(fc.constant(1), fc.double({ min: 0.5, max: 3, noNaN: true })),
  noRepeatNgramSize: fc.integer({ min: 0, max: 3 }),
  minTokensToKeep: fc.integer({ min: 1, max: 3 }),
});

describe('greedyStep', () => {
  it('picks the argmax, lowest id among ties, and consumes no randomness', () => {
    const { token, trace } = greedyStep(f32([1, 3, 3, 2]));
    expect(token).toBe(1);
    expect(trace.method).toBe('greedy');
    expect(trace.draw).toBeNull();
    expect(trace.prob).toBeCloseTo(softmax(f32([1, 3, 3, 2]))[1], 7);
  });

  it('applies the penalties before the argmax', () => {
    const row = f32([3, 2.5, 0]);
    expect(greedyStep(row, [0], { repetitionPenalty: 2 }).token).toBe(1);
    expect(greedyStep(row, [0, 1, 0], { noRepeatNgramSize: 2 }).token).toBe(0);
    // [1] is banned (the bigram 0 -> 1 occurred), token 0 drops to 3 / 4 = 0.75 < 1.
    expect(greedyStep(f32([3, 2.5, 1]), [0, 1, 0], { noRepeatNgramSize: 2, repetitionPenalty: 4 }).token).toBe(2);
  });

  it('refuses a non-zero temperature rather than ignoring it', () => {
    expect(() => greedyStep(f32([1, 2]), [], { temperature: 0.7 })).toThrow(/greedyStep decodes at temperature 0, got temperature 0.7/);
  });
});

describe('sampleStep', () => {
  it('with temperature 0 is greedy and does not call random()', () => {
    const row = f32([0.5, 2, 1]);
    const { token, trace } = sampleStep(row, [], { temperature: 0, topP: 0.5 }, never);
    expect(token).toBe(1);
    expect(trace.method).toBe('greedy');
    expect(trace.draw).toBeNull();
  });

  it('draws by inverse CDF of the processed distribution and records the draw', () => {
    const row = Float32Array.from([0.5, 0.3, 0.2], Math.log); // p = 0.5, 0.3, 0.2
    expect(sampleStep(row, [], {}, () => 0.49).token).toBe(0);
    expect(sampleStep(row, [], {}, () => 0.51).token).toBe(1);
    const { token, trace } = sampleStep(row, [], {}, () => 0.85);
    expect(token).toBe(2);
    expect(trace.method).toBe('sample');
    expect(trace.draw).toBe(0.85);
    expect(trace.prob).toBeCloseTo(0.2, 6);
    // With top-k 2 the distribution is 0.625 / 0.375 and the same draw lands on token 1.
    expect(sampleStep(row, [], { topK: 2 }, () => 0.85).token).toBe(1);
  });

  it('traces the top tokens before and after processing, the stages and the entropy', () => {
    const row = f32([2, 1, 0, -1, -2]);
    const { trace } = sampleStep(row, [], { temperature: 0.5, topK: 2 }, createRandom(1), { topN: 3 });
    const raw = softmax(row);
    expect(trace.before.map((t) => t.token)).toEqual([0, 1, 2]);
    expect(trace.before[0].score).toBe(2);
    expect(trace.before[0].prob).toBeCloseTo(raw[0], 7);
    const after = softmax(f32([4, 2, NEG, NEG, NEG]));
    expect(trace.after).toEqual([
      { token: 0, prob: after[0], score: 4 },
      { token: 1, prob: after[1], score: 2 },
      { token: 2, prob: 0, score: null }, // the best masked token fills the list
    ]);
    expect(trace.stages.map((s) => [s.name, s.kept])).toEqual([
      ['temperature', 5],
      ['topK', 2],
    ]);
    expect(trace.kept).toBe(2);
    expect(trace.entropy).toBeCloseTo(entropy(after), 9);
    expect(trace.options).toEqual({
      temperature: 0.5,
      topK: 2,
      topP: 1,
      minP: 0,
      typical: 1,
      repetitionPenalty: 1,
      noRepeatNgramSize: 0,
      minTokensToKeep: 1,
    });
  });

  it('rejects invalid options with a message naming the value and the range', () => {
    const rng = createRandom(0);
    expect(() => sampleStep(f32([1, 2]), [], { topP: 2 }, rng)).toThrow('topP must be a number >= 0 and <= 1, got 2');
    expect(() => sampleStep(f32([1, 2]), [], { topK: -3 }, rng)).toThrow('topK must be an integer >= 0, got -3');
    expect(() => sampleStep(f32([1, 2]), [], { temperature: -1 }, rng)).toThrow('temperature must be a number >= 0, got -1');
    expect(() => sampleStep(f32([1, 2]), [], {}, rng, { topN: -1 })).toThrow('topN must be an integer >= 0, got -1');
    expect(() => sampleStep(f32([1, 2]), [], {}, () => 1)).toThrow(/random\(\) must return a number in \[0, 1\), got 1/);
  });

  it('is reproducible at a fixed seed', () => {
    const row = Float32Array.from({ length: 50 }, (_, i) => Math.cos(i * 1.7) * 3);
    const run = (seed: number) => {
      const rng = createRandom(seed);
      const context: number[] = [];
      const traces = [];
      for (let i = 0; i < 40; i++) {
        const { token, trace } = sampleStep(row, context, { temperature: 0.8, topP: 0.9, repetitionPenalty: 1.2 }, rng);
        context.push(token);
        traces.push(trace);
      }
      return { context, traces };
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8).context).not.toEqual(a.context);
  });

  it('samples with the frequencies of finalDistribution (chi-square at a fixed seed)', () => {
    const row = Float32Array.from([0.4, 0.25, 0.15, 0.1, 0.06, 0.04], Math.log);
    const options = { temperature: 0.9, topP: 0.85 };
    const dist = finalDistribution(row, [], options);
    const counts = new Array<number>(row.length).fill(0);
    const rng = createRandom(2024);
    for (let i = 0; i < 20_000; i++) counts[sampleStep(row, [], options, rng).token]++;
    expect(counts[4]).toBe(0);
    expect(counts[5]).toBe(0);
    expect(chiSquareGoodnessOfFit(counts, dist).pValue).toBeGreaterThan(0.001);
  });
});

describe('finalDistribution', () => {
  it('is softmax of the processed logits, or the greedy point mass at temperature 0', () => {
    const row = f32([2, 1, 0]);
    const dist = finalDistribution(row, [], { topK: 2 });
    expect(dist[2]).toBe(0);
    expect(dist[0] + dist[1]).toBeCloseTo(1, 6);
    expect(Array.from(finalDistribution(row, [0], { temperature: 0, repetitionPenalty: 3 }))).toEqual([0, 1, 0]);
  });
});

describe('properties', () => {
  it('top_k = 1 reproduces greedy (unique maximum), for any draw and penalties', () => {
    fc.assert(
      fc.property(distinctRowArb, fc.integer(), fc.double({ min: 0.1, max: 3, noNaN: true }), (row, seed, t) => {
        const greedy = greedyStep(row).token;
        expect(sampleStep(row, [], { topK: 1, temperature: t }, createRandom(seed)).token).toBe(greedy);
        // The property holds for a unique maximum; a penalty can create a tie (0.03 / 1.5 == 0.02
        // in float32), where top-k keeps every tied token by design. Check it only when unique.
        const context = [0, 1];
        const penalised = repetitionPenalty(row, context, 1.5);
        const top = Math.max(...penalised);
        if (penalised.filter((v) => v === top).length === 1) {
          expect(sampleStep(row, context, { topK: 1, repetitionPenalty: 1.5 }, createRandom(seed)).token).toBe(
            greedyStep(row, context, { repetitionPenalty: 1.5 }).token,
          );
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('top_p -> 0 reproduces greedy, ties included', () => {
    fc.assert(
      fc.property(rowArb, fc.integer(), fc.constantFrom(0, 1e-12, 1e-6), (row, seed, p) => {
        const greedy = greedyStep(row).token;
        expect(sampleStep(row, [], { topP: p }, createRandom(seed)).token).toBe(greedy);
        expect(Array.from(finalDistribution(row, [], { topP: p }))).toEqual(Array.from(finalDistribution(row, [], { temperature: 0 })));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('a sampled token is never a masked one, and no input is mutated', () => {
    fc.assert(
      fc.property(rowArb, optionsArb, fc.array(fc.nat(), { maxLength: 10 }), fc.integer(), (row, options, raw, seed) => {
        const context = raw.map((id) => id % row.length);
        const rowCopy = row.slice();
        const contextCopy = [...context];
        const optionsCopy = { ...options };
        const { token, trace } = sampleStep(row, context, options, createRandom(seed));
        const { logits } = processLogits(row, context, options);
        expect(logits[token]).not.toBe(NEG);
        expect(finalDistribution(row, context, options)[token]).toBeGreaterThan(0);
        expect(trace.token).toBe(token);
        expect(row).toEqual(rowCopy);
        expect(context).toEqual(contextCopy);
        expect(options).toEqual(optionsCopy);
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('traces survive a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(rowArb, optionsArb, fc.integer(), (row, options, seed) => {
        const { trace } = sampleStep(row, [0], options, createRandom(seed), { topN: 5 });
        expect(JSON.parse(JSON.stringify(trace))).toStrictEqual(trace);
        const greedy = greedyStep(row, [0], { ...options, temperature: 0 }).trace;
        expect(JSON.parse(JSON.stringify(greedy))).toStrictEqual(greedy);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('finalDistribution into storage it is given', () => {
  const logits = Float32Array.from([0.5, -Infinity, 2, 1]);
  for (const options of [{ temperature: 1 }, { temperature: 0.7, topK: 2 }, { temperature: 0, repetitionPenalty: 1.3 }] as SamplingOptions[]) {
    it(`writes every entry, equal to a fresh result (${JSON.stringify(options)})`, () => {
      const into = new Float32Array(4).fill(Number.NaN);
      expect(finalDistribution(logits, [2], options, into)).toBe(into);
      expect(into).toEqual(finalDistribution(logits, [2], options));
    });
  }
  it('refuses storage of another length', () => {
    expect(() => finalDistribution(logits, [], {}, new Float32Array(3))).toThrow(/into must hold 4 entries, got 3/);
    expect(() => softmax(logits, new Float32Array(5))).toThrow(/into must hold 4 entries, got 5/);
  });
});
