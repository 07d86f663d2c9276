import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLING_OPTIONS,
  MinPProcessor,
  NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
  TypicalProcessor,
  applyProcessors,
  bannedNgramTokens,
  buildProcessors,
  minP,
  noRepeatNgram,
  processLogits,
  repetitionPenalty,
  resolveSamplingOptions,
  temperature,
  topK,
  topP,
  typical,
  type LogitsProcessor,
  type SamplingOptions,
} from '../../../../src/lib/decoding/processors';
import { softmax64 } from '../../../../src/lib/decoding/processors/common';

const NEG = -Infinity;
const f32 = (values: number[]) => Float32Array.from(values);
const logitsOf = (probs: number[]) => f32(probs.map((p) => Math.log(p)));
/** Indices with a finite score. */
const kept = (row: Float32Array) => Array.from(row, (v, i) => (v === NEG ? -1 : i)).filter((i) => i >= 0);

/** Rows of 1..40 logits, finite or -Infinity, with at least one finite entry. */
const rowArb = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.float({ min: -20, max: 20, noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.constant(NEG) }), {
    minLength: 1,
    maxLength: 40,
  })
  .filter((xs) => xs.some((x) => x !== NEG))
  .map((xs) => Float32Array.from(xs));

describe('softmax64', () => {
  const row = f32([1, NEG, 0]);
  it('gives 0 to masked entries and writes every entry of storage it is given', () => {
    const into = new Float64Array(3).fill(Number.NaN);
    expect(softmax64(row, into)).toBe(into);
    expect(Array.from(into)).toEqual(Array.from(softmax64(row)));
    expect(into[1]).toBe(0);
    expect(into[0]).toBeCloseTo(Math.E / (Math.E + 1), 12);
  });
  it('refuses storage of another length', () => {
    expect(() => softmax64(row, new Float64Array(2))).toThrow(/into must hold 3 entries, got 2/);
  });
});

describe('temperature', () => {
  it('divides every score by T and leaves masked entries masked', () => {
    expect(Array.from(temperature(f32([2, -1, 0, NEG]), 0.5))).toEqual([4, -2, 0, NEG]);
    expect(Array.from(temperature(f32([3, -3]), 3))).toEqual([1, -1]);
  });

  it('rejects T = 0 with a message pointing to greedy decoding, and T < 0 or non-finite', () => {
    expect(() => temperature(f32([1, 2]), 0)).toThrow(/temperature must be a number > 0, got 0.*greedy/);
    expect(() => temperature(f32([1, 2]), -1)).toThrow('temperature must be a number > 0, got -1');
    expect(() => temperature(f32([1, 2]), Number.NaN)).toThrow('temperature must be a number > 0, got NaN');
    expect(() => temperature(f32([1, 2]), Infinity)).toThrow('got Infinity');
    expect(() => new TemperatureProcessor(0)).toThrow(/greedy/);
  });

  it('throws instead of overflowing float32 at an absurd temperature', () => {
    expect(() => temperature(f32([10, -10]), 1e-40)).toThrow(/overflows float32/);
  });
});

describe('topK', () => {
  it('keeps every score >= the k-th largest, so ties at the boundary are all kept', () => {
    const row = f32([5, 4, 4, 1, 4.5]);
    expect(kept(topK(row, 1))).toEqual([0]);
    expect(kept(topK(row, 2))).toEqual([0, 4]);
    // The 3rd largest is 4, shared by tokens 1 and 2: both stay, so 4 tokens survive k = 3.
    expect(kept(topK(row, 3))).toEqual([0, 1, 2, 4]);
    expect(kept(topK(row, 4))).toEqual([0, 1, 2, 4]);
    expect(Array.from(topK(row, 3))).toEqual([5, 4, 4, NEG, 4.5]);
  });

  it('k = 0 disables; k >= vocabulary keeps everything; masked entries never come back', () => {
    const row = f32([1, NEG, 3]);
    expect(Array.from(topK(row, 0))).toEqual([1, NEG, 3]);
    expect(Array.from(topK(row, 10))).toEqual([1, NEG, 3]);
    expect(Array.from(topK(row, 2))).toEqual([1, NEG, 3]);
  });

  it('uses max(k, minTokensToKeep)', () => {
    expect(kept(topK(f32([4, 3, 2, 1]), 1, 3))).toEqual([0, 1, 2]);
    expect(kept(new TopKProcessor(1, 2).process([], f32([4, 3, 2, 1])))).toEqual([0, 1]);
  });

  it('rejects k that is negative or fractional, naming the value and the range', () => {
    expect(() => topK(f32([1]), -1)).toThrow('topK must be an integer >= 0, got -1');
    expect(() => topK(f32([1]), 1.5)).toThrow('topK must be an integer >= 0, got 1.5');
    expect(() => new TopKProcessor(2, 0)).toThrow('minTokensToKeep must be an integer >= 1, got 0');
  });

  it('records the k-th largest score as its threshold', () => {
    const { record } = new TopKProcessor(3).run([], f32([5, 4, 4, 1, 4.5]));
    expect(record).toEqual({ name: 'topK', kept: 4, removed: 1, affected: 1, threshold: 4 });
  });
});

describe('topP', () => {
  const row = logitsOf([0.5, 0.3, 0.15, 0.05]);

  it('keeps the smallest top set whose mass is >= p, including the token that crosses p', () => {
    expect(kept(topP(row, 0.4))).toEqual([0]);
    // 0.5 < 0.6, so token 1 (0.3) crosses p and is kept.
    expect(kept(topP(row, 0.6))).toEqual([0, 1]);
    expect(kept(topP(row, 0.81))).toEqual([0, 1, 2]);
    expect(kept(topP(row, 0.99))).toEqual([0, 1, 2, 3]);
    const { record } = new TopPProcessor(0.6).run([], row);
    expect(record.kept).toBe(2);
    expect(record.threshold).toBeCloseTo(0.3, 6);
  });

  it('stops exactly when the mass reaches p, and cuts a tied group by token id', () => {
    // Four equal logits: probabilities are exactly 0.25, so the mass after two tokens is exactly 0.5.
    const flat = f32([0, 0, 0, 0]);
    expect(kept(topP(flat, 0.5))).toEqual([0, 1]);
    expect(kept(topP(flat, 0.5000001))).toEqual([0, 1, 2]);
    expect(kept(topP(flat, 0.25))).toEqual([0]);
  });

  it('p = 1 disables exactly, even where float probabilities sum to less than 1', () => {
    // 10,000 tokens: the float32 probabilities' sum differs from 1 by rounding.
    const big = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 5);
    expect(topP(big, 1)).toEqual(big);
    expect(kept(topP(f32([0, -200]), 1))).toEqual([0, 1]);
  });

  it('p = 0 keeps minTokensToKeep tokens: the argmax by default', () => {
    expect(kept(topP(row, 0))).toEqual([0]);
    expect(kept(topP(row, 0, 3))).toEqual([0, 1, 2]);
    expect(kept(topP(f32([1, 3, 3]), 0))).toEqual([1]);
  });

  it('computes on the logits it receives, not a renormalised subset of masked ones', () => {
    // Token 0 is masked already; of the rest, 0.3/0.5 = 0.6 is the largest share.
    const masked = f32([NEG, Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    expect(kept(topP(masked, 0.6))).toEqual([1]);
    expect(kept(topP(masked, 0.61))).toEqual([1, 2]);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => topP(row, 1.5)).toThrow('topP must be a number >= 0 and <= 1, got 1.5');
    expect(() => topP(row, -0.1)).toThrow('topP must be a number >= 0 and <= 1, got -0.1');
    expect(() => new TopPProcessor(Number.NaN)).toThrow('got NaN');
  });
});

describe('minP', () => {
  it('keeps p(x) >= minP * max p, the threshold itself included', () => {
    const row = f32([0, -1, -2, -3]);
    // p(x) / max p = exp(s - max s): exactly e^-1 for token 1.
    expect(kept(minP(row, Math.exp(-1)))).toEqual([0, 1]);
    expect(kept(minP(row, Math.exp(-1) * (1 + 1e-12)))).toEqual([0]);
    expect(kept(minP(row, Math.exp(-2.5)))).toEqual([0, 1, 2]);
    const { record } = new MinPProcessor(0.5).run([], logitsOf([0.5, 0.3, 0.2]));
    expect(record.threshold).toBeCloseTo(0.25, 6);
    expect(record.kept).toBe(2);
  });

  it('0 disables, 1 keeps the tokens tied with the maximum, minTokensToKeep tops it up', () => {
    expect(Array.from(minP(f32([2, 2, 1, NEG]), 0))).toEqual([2, 2, 1, NEG]);
    expect(kept(minP(f32([2, 2, 1]), 1))).toEqual([0, 1]);
    expect(kept(minP(f32([3, 2, 1, 0]), 0.9, 3))).toEqual([0, 1, 2]);
  });

  it('rejects values outside [0, 1]', () => {
    expect(() => minP(f32([1]), 1.1)).toThrow('minP must be a number >= 0 and <= 1, got 1.1');
    expect(() => new MinPProcessor(-0.5)).toThrow('minP must be a number >= 0 and <= 1, got -0.5');
  });
});

describe('typical', () => {
  // p = [0.4, 0.3, 0.2, 0.1]; H = 1.2799 nats; surprisals 0.916, 1.204, 1.609, 2.303;
  // |surprisal - H| = 0.364, 0.076, 0.330, 1.023, so the typical order is 1, 2, 0, 3.
  const probs = [0.4, 0.3, 0.2, 0.1];
  const row = logitsOf(probs);
  const H = -probs.reduce((h, p) => h + p * Math.log(p), 0);

  it('ranks by |-log p - H| and keeps the shortest prefix reaching the mass (the argmax can go)', () => {
    expect(kept(typical(row, 0.3))).toEqual([1]);
    expect(kept(typical(row, 0.4))).toEqual([1, 2]);
    expect(kept(typical(row, 0.55))).toEqual([0, 1, 2]);
    expect(kept(typical(row, 0.95))).toEqual([0, 1, 2, 3]);
    const { record } = new TypicalProcessor(0.4).run([], row);
    expect(record.threshold).toBeCloseTo(H, 6);
    expect(record.kept).toBe(2);
  });

  it('keeps minTokensToKeep tokens of the typical order; 1 disables', () => {
    expect(kept(typical(row, 0.1, 3))).toEqual([0, 1, 2]);
    expect(Array.from(typical(row, 1))).toEqual(Array.from(row));
  });

  it('keeps every token tied with the boundary, as HF TypicalLogitsWarper does', () => {
    // Uniform: every shift is 0, so the boundary's group is the whole row.
    expect(kept(typical(f32([0, 0, 0, 0]), 0.5))).toEqual([0, 1, 2, 3]);
    // p = [0.4, 0.2, 0.2, 0.2]: tokens 1..3 share one shift, the smallest; mass 0.3 reaches the
    // boundary at the second of them, so the third, tied, stays too (counting would keep two).
    expect(kept(typical(logitsOf([0.4, 0.2, 0.2, 0.2]), 0.3))).toEqual([1, 2, 3]);
    expect(kept(typical(logitsOf([0.4, 0.2, 0.2, 0.2]), 0.7))).toEqual([0, 1, 2, 3]);
  });

  it('keeps exactly the tokens HF TypicalLogitsWarper keeps, ties included', () => {
    // An independent transcription of the warper (float64): sort shifts ascending, find the first
    // position whose cumulative mass reaches `mass`, remove shifts strictly greater than its shift.
    const reference = (logits: Float32Array, mass: number, minKeep: number): number[] => {
      const finite = kept(logits);
      const max = Math.max(...finite.map((i) => logits[i]));
      const z = finite.reduce((acc, i) => acc + Math.exp(logits[i] - max), 0);
      const logp = new Map(finite.map((i) => [i, logits[i] - max - Math.log(z)]));
      const entropy = -finite.reduce((acc, i) => acc + Math.exp(logp.get(i)!) * logp.get(i)!, 0);
      const shift = new Map(finite.map((i) => [i, Math.abs(-logp.get(i)! - entropy)]));
      const sorted = [...finite].sort((a, b) => shift.get(a)! - shift.get(b)! || a - b);
      let cumulative = 0;
      let last = 0;
      while (last < sorted.length - 1 && (cumulative += Math.exp(logp.get(sorted[last])!)) < mass) last++;
      const keep = sorted.filter((i, rank) => shift.get(i)! <= shift.get(sorted[last])! || rank < minKeep);
      return keep.sort((a, b) => a - b);
    };
    // Few distinct values, so ties are common; masses away from the cumulative sums' rounding.
    const tiedRow = fc
      .array(fc.constantFrom(-2, -1, 0, 0.5, 1, NEG), { minLength: 1, maxLength: 12 })
      .filter((xs) => xs.some((x) => x !== NEG))
      .map(f32);
    fc.assert(
      fc.property(tiedRow, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer({ min: 1, max: 3 }), (r, mass, minKeep) => {
        expect(kept(typical(r, mass, minKeep))).toEqual(reference(r, mass, minKeep));
      }),
      { seed: 17, numRuns: 2000 },
    );
  });

  it('rejects mass outside (0, 1]', () => {
    expect(() => typical(row, 0)).toThrow('typical must be a number > 0 and <= 1, got 0');
    expect(() => new TypicalProcessor(1.2)).toThrow('typical must be a number > 0 and <= 1, got 1.2');
  });
});

describe('repetitionPenalty', () => {
  const row = f32([2, -2, 0, 1, NEG]);

  it('divides positive and multiplies negative scores of context tokens, once per token', () => {
    // Token 1 occurs three times and is still penalised once: -2 * 2, not -2 * 2^3.
    expect(Array.from(repetitionPenalty(row, [0, 1, 1, 1, 2, 4], 2))).toEqual([1, -4, 0, 1, NEG]);
    expect(Array.from(repetitionPenalty(row, [0, 1], 0.5))).toEqual([4, -1, 0, 1, NEG]);
    expect(Array.from(repetitionPenalty(row, [0, 1], 1))).toEqual([2, -2, 0, 1, NEG]);
    expect(Array.from(repetitionPenalty(row, [], 3))).toEqual([2, -2, 0, 1, NEG]);
  });

  it('the class records how many scores it changed', () => {
    const { record } = new RepetitionPenaltyProcessor(2).run([0, 1, 1, 2], row);
    expect(record).toEqual({ name: 'repetitionPenalty', kept: 4, removed: 0, affected: 2, threshold: null });
  });

  it('rejects a penalty <= 0 and context ids outside the vocabulary', () => {
    expect(() => repetitionPenalty(row, [0], 0)).toThrow('repetitionPenalty must be a number > 0, got 0');
    expect(() => new RepetitionPenaltyProcessor(-1.2)).toThrow('repetitionPenalty must be a number > 0, got -1.2');
    expect(() => repetitionPenalty(row, [7], 1.2)).toThrow('contextIds must hold token ids in [0, 4], got 7');
  });
});

describe('noRepeatNgram', () => {
  const row = f32([0, 1, 2, 3, 4, 5]);

  it('bans tokens that would complete an n-gram already in the context', () => {
    const context = [1, 2, 3, 1, 2];
    expect(bannedNgramTokens(context, 3)).toEqual([3]); // [1, 2] was followed by 3
    expect(bannedNgramTokens(context, 2)).toEqual([3]); // [2] was followed by 3
    expect(bannedNgramTokens(context, 1)).toEqual([1, 2, 3]); // every seen token
    expect(bannedNgramTokens(context, 4)).toEqual([]); // [3, 1, 2] never occurred before
    expect(bannedNgramTokens([5, 5, 5], 2)).toEqual([5]);
    expect(bannedNgramTokens([4, 0, 4, 1, 4], 2)).toEqual([0, 1]);
    expect(bannedNgramTokens([1], 2)).toEqual([]);
    expect(Array.from(noRepeatNgram(row, context, 3))).toEqual([0, 1, 2, NEG, 4, 5]);
    expect(Array.from(noRepeatNgram(row, context, 0))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never masks a whole row: the best banned tokens come back up to minTokensToKeep', () => {
    const tiny = f32([1, 3, 2]);
    expect(Array.from(noRepeatNgram(tiny, [0, 1, 2], 1))).toEqual([NEG, 3, NEG]);
    expect(Array.from(noRepeatNgram(tiny, [0, 1, 2], 1, 2))).toEqual([NEG, 3, 2]);
    expect(kept(new NoRepeatNgramProcessor(1, 5).process([0, 1, 2], tiny))).toEqual([0, 1, 2]);
  });

  it('rejects n that is negative or fractional', () => {
    expect(() => noRepeatNgram(row, [], -1)).toThrow('noRepeatNgramSize must be an integer >= 0, got -1');
    expect(() => new NoRepeatNgramProcessor(2.5)).toThrow('noRepeatNgramSize must be an integer >= 0, got 2.5');
  });
});

describe('rows the processors refuse', () => {
  it('rejects NaN, +Infinity, empty and fully masked rows', () => {
    expect(() => topK(f32([1, Number.NaN]), 1)).toThrow(/NaN at index 1/);
    expect(() => topP(f32([1, Infinity]), 0.5)).toThrow(/\+Infinity at index 1/);
    expect(() => minP(f32([]), 0.5)).toThrow(/empty/);
    expect(() => typical(f32([NEG, NEG]), 0.5)).toThrow(/every entry of logits is -Infinity/);
  });
});

describe('pipeline', () => {
  it('builds the enabled processors in the documented order', () => {
    const all: SamplingOptions = {
      typical: 0.9,
      minP: 0.05,
      topP: 0.9,
      topK: 10,
      temperature: 0.7,
      noRepeatNgramSize: 3,
      repetitionPenalty: 1.3,
    };
    expect(buildProcessors(all).map((p) => p.name)).toEqual([
      'repetitionPenalty',
      'noRepeatNgram',
      'temperature',
      'topK',
      'topP',
      'minP',
      'typical',
    ]);
    expect(buildProcessors({}).map((p) => p.name)).toEqual([]);
    // Temperature 0 is greedy: only the penalties are built (see buildProcessors).
    expect(buildProcessors({ ...all, temperature: 0 }).map((p) => p.name)).toEqual(['repetitionPenalty', 'noRepeatNgram']);
  });

  it('temperature before top-p matters: sharpening first leaves fewer tokens in the nucleus', () => {
    const row = f32([2, 1, 0]); // p = 0.665, 0.245, 0.090 at T = 1
    const ordered = processLogits(row, [], { temperature: 0.5, topP: 0.7 });
    expect(kept(ordered.logits)).toEqual([0]); // at T = 0.5 the top token alone has 0.867
    const reversed = applyProcessors(row, [], [new TopPProcessor(0.7), new TemperatureProcessor(0.5)]);
    expect(kept(reversed.logits)).toEqual([0, 1]);
    expect(ordered.stages.map((s) => [s.name, s.kept])).toEqual([
      ['temperature', 3],
      ['topP', 1],
    ]);
  });

  it('penalties act on raw scores before the filters', () => {
    const row = f32([3, 2.5, 0]);
    const { logits, stages } = processLogits(row, [0], { repetitionPenalty: 2, topK: 1 });
    expect(Array.from(logits)).toEqual([NEG, 2.5, NEG]);
    expect(stages.map((s) => s.kept)).toEqual([3, 1]);
  });

  it('resolves defaults and rejects unknown or invalid options', () => {
    expect(resolveSamplingOptions({})).toEqual(DEFAULT_SAMPLING_OPTIONS);
    expect(resolveSamplingOptions({ topK: undefined, topP: 0.5 }).topP).toBe(0.5);
    expect(() => resolveSamplingOptions({ top_p: 0.5 } as SamplingOptions)).toThrow(/unknown sampling option "top_p"/);
    expect(() => resolveSamplingOptions({ temperature: -1 })).toThrow('temperature must be a number >= 0, got -1');
    expect(() => resolveSamplingOptions({ minTokensToKeep: 0 })).toThrow('minTokensToKeep must be an integer >= 1, got 0');
    expect(() => buildProcessors({ typical: 0 })).toThrow('typical must be a number > 0 and <= 1, got 0');
  });
});

const optionsArb: fc.Arbitrary<SamplingOptions> = fc.record({
  temperature: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 3, noNaN: true })),
  topK: fc.integer({ min: 0, max: 8 }),
  topP: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  minP: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  typical: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
  repetitionPenalty: fc.oneof(fc.constant(1), fc.double({ min: 0.5, max: 3, noNaN: true })),
  noRepeatNgramSize: fc.integer({ min: 0, max: 3 }),
  minTokensToKeep: fc.integer({ min: 1, max: 4 }),
});

describe('properties', () => {
  it('top-p and typical reuse their working storage: a row gives the same result whatever row came before', () => {
    fc.assert(
      fc.property(rowArb, rowArb, fc.double({ min: 0, max: 1, noNaN: true }), (row, before, mass) => {
        const alone = [topP(row, mass), typical(row, Math.max(mass, 1e-6))];
        topP(before, mass);
        typical(before, Math.max(mass, 1e-6));
        expect([topP(row, mass), typical(row, Math.max(mass, 1e-6))]).toEqual(alone);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('no processor mutates its input row or context', () => {
    fc.assert(
      fc.property(rowArb, optionsArb, fc.array(fc.nat(), { maxLength: 12 }), (row, options, rawContext) => {
        const context = rawContext.map((id) => id % row.length);
        const rowCopy = row.slice();
        const contextCopy = [...context];
        const all: LogitsProcessor[] = [
          new RepetitionPenaltyProcessor(1.5),
          new NoRepeatNgramProcessor(2),
          new TemperatureProcessor(0.7),
          new TopKProcessor(2),
          new TopPProcessor(0.5),
          new MinPProcessor(0.3),
          new TypicalProcessor(0.5),
          ...buildProcessors(options),
        ];
        for (const p of all) {
          const out = p.process(context, row);
          expect(out).not.toBe(row);
        }
        processLogits(row, context, options);
        expect(row).toEqual(rowCopy);
        expect(context).toEqual(contextCopy);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('no row is ever fully masked: every pipeline keeps min(minTokensToKeep, finite inputs) tokens', () => {
    fc.assert(
      fc.property(rowArb, optionsArb, fc.array(fc.nat(), { maxLength: 12 }), (row, options, rawContext) => {
        const context = rawContext.map((id) => id % row.length);
        const finite = kept(row).length;
        const { logits, stages } = processLogits(row, context, options);
        const need = Math.min(resolveSamplingOptions(options).minTokensToKeep, finite);
        expect(kept(logits).length).toBeGreaterThanOrEqual(need);
        for (const s of stages) expect(s.kept).toBeGreaterThanOrEqual(need);
        for (const v of logits) expect(Number.isNaN(v)).toBe(false);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('filters only mask: kept tokens keep their score, masked tokens stay masked', () => {
    fc.assert(
      fc.property(rowArb, fc.double({ min: 0, max: 1, noNaN: true }), (row, x) => {
        for (const out of [topK(row, 3), topP(row, x), minP(row, x), typical(row, Math.max(x, 1e-3))]) {
          out.forEach((v, i) => expect(v === NEG || v === row[i]).toBe(true));
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('top-k is unchanged by temperature, and top-k = 1 keeps exactly the maximal scores', () => {
    fc.assert(
      fc.property(rowArb, fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.1, max: 4, noNaN: true }), (row, k, t) => {
        expect(kept(topK(temperature(row, t), k))).toEqual(kept(topK(row, k)));
        const max = Math.max(...row);
        expect(kept(topK(row, 1))).toEqual(kept(row).filter((i) => row[i] === max));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('top-p keeps a set with mass >= p that would fall below p without its last token', () => {
    fc.assert(
      fc.property(rowArb, fc.double({ min: 0, max: 0.999, noNaN: true }), (row, p) => {
        const probs = Array.from(row, (v) => Math.exp(v - Math.max(...row)));
        const total = probs.reduce((a, b) => a + b, 0);
        const mass = (ids: number[]) => ids.reduce((s, i) => s + probs[i] / total, 0);
        const keep = kept(topP(row, p));
        const lowest = keep.reduce((a, b) => (row[b] < row[a] || (row[b] === row[a] && b > a) ? b : a));
        expect(mass(keep)).toBeGreaterThanOrEqual(p - 1e-9);
        if (keep.length > 1) expect(mass(keep.filter((i) => i !== lowest))).toBeLessThan(p + 1e-9);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
