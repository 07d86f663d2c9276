import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amateurContextIds,
  contrastiveScores,
  contrastiveStep,
  plausibleHead,
  type ContrastiveVariant,
} from '../../../../src/lib/decoding/contrastive';
import { LOG_PROB_FLOOR } from '../../../../src/lib/decoding/rows';

const f32 = (values: number[]) => new Float32Array(values);
const logOf = (probs: number[]) => f32(probs.map(Math.log));
const RUNS = { seed: 42, numRuns: 300 };

/** Logits on a 1/8 grid: exact in float32, and adding a grid constant stays exact. */
const gridLogit = fc.integer({ min: -64, max: 64 }).map((k) => k / 8);
const maskableLogit = fc.oneof({ weight: 8, arbitrary: gridLogit }, { weight: 1, arbitrary: fc.constant(-Infinity) });

/** A row with at least one finite entry (index 0 is forced finite when everything is masked). */
function rowOf(length: number, entry: fc.Arbitrary<number>) {
  return fc.array(entry, { minLength: length, maxLength: length }).map((values) => {
    if (values.every((v) => v === -Infinity)) values[0] = 0;
    return f32(values);
  });
}

/** expert and amateur rows over one vocabulary of 1..12 tokens. */
const expertAmateur = (entry: fc.Arbitrary<number> = maskableLogit) =>
  fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(rowOf(n, entry), rowOf(n, entry)));

const alphaArb = fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true }));
const betaArb = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true }));
const tauArb = fc.constantFrom(0.25, 0.5, 1, 2, 3);
const variantArb = fc.constantFrom<ContrastiveVariant>('li2022', 'obrien2023');

function argmaxOf(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

describe('plausibleHead', () => {
  it('keeps p >= alpha * max p, with thresholds in probability, log-probability and logit space', () => {
    // p = [0.5, 0.3, 0.16, 0.04]; alpha 0.1 cuts at 0.05.
    const head = plausibleHead(logOf([0.5, 0.3, 0.16, 0.04]), 0.1);
    expect(Array.from(head.mask)).toEqual([1, 1, 1, 0]);
    expect(head.size).toBe(3);
    expect(head.thresholdProb).toBeCloseTo(0.05, 6);
    expect(head.thresholdLogProb).toBeCloseTo(Math.log(0.05), 6);
    expect(head.thresholdLogit).toBeCloseTo(Math.log(0.05), 6); // the logits are log-probs here
  });

  it('measures the cut from the top logit, whatever the offset of the logits', () => {
    // logits [12, 11, 9]: p(1)/p(0) = e^-1 = 0.37 >= 0.3, p(2)/p(0) = e^-3 = 0.05 < 0.3.
    const head = plausibleHead(f32([12, 11, 9]), 0.3);
    expect(Array.from(head.mask)).toEqual([1, 1, 0]);
    expect(head.thresholdLogit).toBeCloseTo(12 + Math.log(0.3), 5);
  });

  it('alpha = 0 puts every token in the head; alpha = 1 keeps only the top (ties included)', () => {
    const logits = f32([1, 3, -Infinity, 3]);
    const open = plausibleHead(logits, 0);
    expect(Array.from(open.mask)).toEqual([1, 1, 1, 1]);
    expect(open.thresholdLogProb).toBe(-Infinity);
    expect(open.thresholdProb).toBe(0);
    expect(Array.from(plausibleHead(logits, 1).mask)).toEqual([0, 1, 0, 1]);
  });
});

describe('contrastiveScores, li2022 (hand-computed)', () => {
  // Expert p = [0.5, 0.3, 0.16, 0.04], amateur p = [0.7, 0.1, 0.1, 0.1]; head = {0, 1, 2}.
  const expert = logOf([0.5, 0.3, 0.16, 0.04]);
  const amateur = logOf([0.7, 0.1, 0.1, 0.1]);

  it('tau = 1: log p_exp - log p_ama inside the head, -Infinity outside', () => {
    const s = contrastiveScores(expert, amateur, { variant: 'li2022' });
    expect(s[0]).toBeCloseTo(Math.log(0.5 / 0.7), 5);
    expect(s[1]).toBeCloseTo(Math.log(3), 5);
    expect(s[2]).toBeCloseTo(Math.log(1.6), 5);
    expect(s[3]).toBe(-Infinity);
  });

  it('tau divides the amateur log-probabilities (tau = 0.5 doubles them)', () => {
    const s = contrastiveScores(expert, amateur, { variant: 'li2022', amateurTemperature: 0.5 });
    expect(s[0]).toBeCloseTo(Math.log(0.5) - 2 * Math.log(0.7), 5);
    expect(s[1]).toBeCloseTo(Math.log(0.3) - 2 * Math.log(0.1), 5);
    expect(s[2]).toBeCloseTo(Math.log(0.16) - 2 * Math.log(0.1), 5);
    // Dividing the amateur's *logits* by tau would differ: the log-softmax of 2 * s_a is not 2 * log p_a.
    const logitScaled = Math.log(0.5) - (2 * Math.log(0.7) - Math.log(0.49 + 3 * 0.01));
    expect(Math.abs(s[0] - logitScaled)).toBeGreaterThan(0.1);
  });

  it('normalises raw logits itself: shifting both rows changes nothing', () => {
    const s = contrastiveScores(f32(Array.from(expert, (v) => v + 7)), f32(Array.from(amateur, (v) => v - 3)), {
      variant: 'li2022',
    });
    expect(s[1]).toBeCloseTo(Math.log(3), 5);
  });

  it('an amateur -Infinity inside the head gets the finite floor, never +Infinity or NaN', () => {
    const s = contrastiveScores(expert, f32([0, -Infinity, 0, 0]), { variant: 'li2022' });
    expect(s[1]).toBeCloseTo(Math.log(0.3) - LOG_PROB_FLOOR, 4);
    expect(LOG_PROB_FLOOR).toBeCloseTo(-126 * Math.LN2, 10);
    expect(s[0]).toBeCloseTo(Math.log(0.5) - Math.log(1 / 3), 5);
    expect(s[3]).toBe(-Infinity);
  });

  it('the floor never ranks a ruled-out token above the least likely kept one', () => {
    // Amateur log-probs reach -200, below LOG_PROB_FLOOR: the stand-in follows them down.
    const s = contrastiveScores(f32([0, 0, 0]), f32([0, -200, -Infinity]), { variant: 'li2022', alpha: 0 });
    expect(s[2]).toBeCloseTo(s[1], 3);
    expect(Number.isFinite(s[2])).toBe(true);
  });
});

describe('contrastiveScores, obrien2023 (hand-computed)', () => {
  // Expert logits [2, 1, 0, -3]: head (alpha 0.1, log 0.1 = -2.30 below the top) = {0, 1, 2}.
  const expert = f32([2, 1, 0, -3]);
  const amateur = f32([4, -1, 0, 0]);

  it('beta = 0.5: 1.5 s_e - 0.5 s_a on the head', () => {
    const s = contrastiveScores(expert, amateur, { variant: 'obrien2023' });
    expect(Array.from(s)).toEqual([1, 2, 0, -Infinity]);
  });

  it('beta = 1: 2 s_e - s_a', () => {
    const s = contrastiveScores(expert, amateur, { variant: 'obrien2023', beta: 1 });
    expect(Array.from(s)).toEqual([0, 3, 0, -Infinity]);
  });

  it('beta = 0 returns the expert logits on the head', () => {
    const s = contrastiveScores(expert, amateur, { variant: 'obrien2023', beta: 0 });
    expect(Array.from(s)).toEqual([2, 1, 0, -Infinity]);
  });

  it('alpha = 0 disables the mask', () => {
    const s = contrastiveScores(expert, amateur, { variant: 'obrien2023', alpha: 0 });
    expect(s[3]).toBe(1.5 * -3 - 0.5 * 0);
  });

  it('an amateur -Infinity inside the head maps the floored log-prob back to logit space', () => {
    const s = contrastiveScores(expert, f32([0, -Infinity, 0, 0]), { variant: 'obrien2023' });
    const amateurLogNormalizer = Math.log(3);
    expect(s[1]).toBeCloseTo(1.5 * 1 - 0.5 * (LOG_PROB_FLOOR + amateurLogNormalizer), 4);
  });

  it('a token the expert rules out stays -Infinity even with alpha = 0 and beta = 0 (no NaN)', () => {
    for (const beta of [0, 0.5]) {
      const s = contrastiveScores(f32([1, -Infinity]), f32([0, -Infinity]), { variant: 'obrien2023', alpha: 0, beta });
      expect(s[1]).toBe(-Infinity);
    }
    const li = contrastiveScores(f32([1, -Infinity]), f32([0, -Infinity]), { variant: 'li2022', alpha: 0 });
    expect(li[1]).toBe(-Infinity);
  });
});

describe('contrastiveStep', () => {
  const expert = logOf([0.5, 0.3, 0.16, 0.04]);
  const amateur = logOf([0.7, 0.1, 0.1, 0.1]);

  it('picks the best CD score and reports what expert greedy would have picked', () => {
    const { token, trace } = contrastiveStep(expert, amateur, { variant: 'li2022', topN: 2 });
    expect(token).toBe(1);
    expect(trace.method).toBe('contrastive');
    expect(trace.chosen.token).toBe(1);
    expect(trace.chosen.score).toBeCloseTo(Math.log(3), 5);
    expect(trace.expertGreedyToken).toBe(0);
    expect(trace.differsFromExpertGreedy).toBe(true);
    expect(trace.params).toEqual({ alpha: 0.1, beta: 0.5, amateurTemperature: 1 });
    expect(trace.expertTop.map((t) => t.token)).toEqual([0, 1]);
    expect(trace.expertTop[0].prob).toBeCloseTo(0.5, 6);
    expect(trace.amateurTop.map((t) => t.token)).toEqual([0, 1]);
    expect(trace.amateurTop[0].prob).toBeCloseTo(0.7, 6);
    expect(trace.head.size).toBe(3);
    expect(trace.head.tokens).toEqual([0, 1, 2]);
    expect(trace.head.thresholdProb).toBeCloseTo(0.05, 6);
    expect(trace.head.thresholdLogProb).toBeCloseTo(Math.log(0.05), 5);
    expect(trace.candidates.map((c) => c.token)).toEqual([1, 2, 0]);
    expect(trace.candidates[0].amateurProb).toBeCloseTo(0.1, 6);
    expect(trace.candidates[0].expertLogProb).toBeCloseTo(Math.log(0.3), 5);
  });

  it('lists out-of-head tokens in the top lists with a null score', () => {
    const { trace } = contrastiveStep(expert, amateur, { variant: 'li2022', topN: 4 });
    expect(trace.expertTop[3]).toEqual({ token: 3, prob: expect.closeTo(0.04, 6), score: null });
  });

  it('breaks score ties toward the lowest token id', () => {
    const { token } = contrastiveStep(f32([0, 0, 0]), f32([1, 0, 0]), { variant: 'obrien2023' });
    expect(token).toBe(1);
  });

  it('caps the listed head but keeps its true size', () => {
    const n = 500;
    const { trace } = contrastiveStep(new Float32Array(n), new Float32Array(n), { variant: 'li2022', maxHeadTokens: 20 });
    expect(trace.head.size).toBe(n);
    expect(trace.head.tokens).toHaveLength(20);
    expect(trace.head.truncated).toBe(true);
    expect(trace.candidates).toHaveLength(20);
    expect(trace.head.tokens[0]).toBe(0);
  });

  it('reports obrien2023 beta as the equivalent li2022 temperature', () => {
    expect(contrastiveStep(expert, amateur, { variant: 'obrien2023', beta: 0.5 }).trace.equivalentAmateurTemperature).toBe(3);
    expect(contrastiveStep(expert, amateur, { variant: 'obrien2023', beta: 0 }).trace.equivalentAmateurTemperature).toBeNull();
  });

  it('round-trips its trace through JSON, thresholds at -Infinity included', () => {
    const { trace } = contrastiveStep(f32([0, -Infinity, 2]), f32([-Infinity, 0, 1]), { variant: 'li2022', alpha: 0 });
    expect(trace.head.thresholdLogProb).toBeNull();
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});

describe('amateurContextIds', () => {
  it("defaults to the reference's ignore-prefix context: last prompt token + continuation", () => {
    expect(amateurContextIds([5, 6, 7], [8, 9])).toEqual([7, 8, 9]);
    expect(amateurContextIds([5, 6, 7], [])).toEqual([7]);
  });

  it('full context is prompt + continuation', () => {
    expect(amateurContextIds([5, 6, 7], [8, 9], 'full')).toEqual([5, 6, 7, 8, 9]);
  });

  it('rejects an empty prompt and an unknown mode', () => {
    expect(() => amateurContextIds([], [1])).toThrow(/promptIds must hold at least 1 token, got 0/);
    expect(() => amateurContextIds([1], [], 'half' as never)).toThrow(/context must be one of ignorePrefix, full, got half/);
  });
});

describe('validation', () => {
  const e = f32([1, 2, 3]);
  const a = f32([3, 2, 1]);
  it('names the parameter, its range and the value it got', () => {
    expect(() => contrastiveScores(e, a, { variant: 'li2022', alpha: 1.5 })).toThrow(/alpha must be a number >= 0 and <= 1, got 1\.5/);
    expect(() => contrastiveScores(e, a, { variant: 'li2022', alpha: -0.1 })).toThrow(/alpha .*>= 0.*got -0\.1/);
    expect(() => contrastiveScores(e, a, { variant: 'li2022', alpha: Number.NaN })).toThrow(/alpha .*got NaN/);
    expect(() => contrastiveScores(e, a, { variant: 'obrien2023', beta: -1 })).toThrow(/beta must be a number >= 0, got -1/);
    expect(() => contrastiveScores(e, a, { variant: 'li2022', amateurTemperature: 0 })).toThrow(
      /amateurTemperature must be a number > 0, got 0/,
    );
    expect(() => contrastiveScores(e, a, { variant: 'li2022', amateurTemperature: -2 })).toThrow(/amateurTemperature.*got -2/);
    expect(() => contrastiveScores(e, a, { variant: 'li2023' as never })).toThrow(/variant must be one of li2022, obrien2023, got li2023/);
    expect(() => contrastiveStep(e, a, { variant: 'li2022', topN: 0 })).toThrow(/topN must be an integer >= 1, got 0/);
    expect(() => contrastiveStep(e, a, { variant: 'li2022', maxHeadTokens: 1.5 })).toThrow(/maxHeadTokens must be an integer >= 1, got 1\.5/);
    expect(() => plausibleHead(e, 2)).toThrow(/alpha must be a number >= 0 and <= 1, got 2/);
  });

  it('rejects rows of different lengths and unusable logits', () => {
    expect(() => contrastiveScores(e, f32([1, 2]), { variant: 'li2022' })).toThrow(/one vocabulary, got 3 and 2/);
    expect(() => contrastiveScores(f32([1, Number.NaN]), f32([1, 2]), { variant: 'li2022' })).toThrow(/expert .*NaN at index 1/);
    expect(() => contrastiveScores(f32([1, 2]), f32([Infinity, 2]), { variant: 'li2022' })).toThrow(/amateur .*Infinity at index 0/);
    expect(() => contrastiveScores(f32([-Infinity]), f32([0]), { variant: 'li2022' })).toThrow(/every entry of expert is -Infinity/);
    expect(() => contrastiveScores(f32([]), f32([]), { variant: 'li2022' })).toThrow(/empty/);
  });

  it('refuses scores that overflow float32 instead of returning Infinity', () => {
    expect(() => contrastiveScores(f32([0, 0]), f32([0, -80]), { variant: 'li2022', amateurTemperature: 1e-40 })).toThrow(
      /overflows float32/,
    );
  });
});

describe('properties (ALGORITHMS.md)', () => {
  it('the chosen token always lies in the plausible head, and no score is NaN', () => {
    fc.assert(
      fc.property(expertAmateur(), variantArb, alphaArb, betaArb, tauArb, ([expert, amateur], variant, alpha, beta, tau) => {
        const options = { variant, alpha, beta, amateurTemperature: tau };
        const scores = contrastiveScores(expert, amateur, options);
        const head = plausibleHead(expert, alpha);
        const { token } = contrastiveStep(expert, amateur, options);
        expect(head.mask[token]).toBe(1);
        for (let x = 0; x < scores.length; x++) {
          expect(Number.isNaN(scores[x])).toBe(false);
          expect(scores[x]).not.toBe(Infinity);
          if (!head.mask[x]) expect(scores[x]).toBe(-Infinity);
          else if (expert[x] !== -Infinity) expect(Number.isFinite(scores[x])).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('obrien2023 with beta = 0 is expert greedy', () => {
    fc.assert(
      fc.property(expertAmateur(), alphaArb, ([expert, amateur], alpha) => {
        const { token } = contrastiveStep(expert, amateur, { variant: 'obrien2023', beta: 0, alpha });
        expect(token).toBe(argmaxOf(expert));
      }),
      RUNS,
    );
  });

  it('obrien2023 with amateur == expert is expert greedy for every beta', () => {
    fc.assert(
      fc.property(expertAmateur(), alphaArb, betaArb, ([expert], alpha, beta) => {
        const { token } = contrastiveStep(expert, expert.slice(), { variant: 'obrien2023', beta, alpha });
        expect(token).toBe(argmaxOf(expert));
      }),
      RUNS,
    );
  });

  it('adding a constant to every amateur logit changes nothing (li2022: scores; obrien2023: a uniform shift)', () => {
    fc.assert(
      fc.property(
        expertAmateur(),
        fc.integer({ min: -80, max: 80 }).map((k) => k / 8),
        alphaArb,
        betaArb,
        tauArb,
        ([expert, amateur], c, alpha, beta, tau) => {
          const shifted = f32(Array.from(amateur, (v) => v + c));
          const li = contrastiveScores(expert, amateur, { variant: 'li2022', alpha, amateurTemperature: tau });
          const liShifted = contrastiveScores(expert, shifted, { variant: 'li2022', alpha, amateurTemperature: tau });
          const ob = contrastiveScores(expert, amateur, { variant: 'obrien2023', alpha, beta });
          const obShifted = contrastiveScores(expert, shifted, { variant: 'obrien2023', alpha, beta });
          for (let x = 0; x < expert.length; x++) {
            if (li[x] === -Infinity) {
              expect(liShifted[x]).toBe(-Infinity);
              expect(obShifted[x]).toBe(-Infinity);
              continue;
            }
            expect(liShifted[x]).toBeCloseTo(li[x], 3);
            expect(obShifted[x]).toBeCloseTo(ob[x] - beta * c, 3);
          }
          // The decision: the shifted run's choice scores (within rounding) as well as the original's.
          const liTop = li[argmaxOf(li)];
          expect(li[argmaxOf(liShifted)]).toBeCloseTo(liTop, 3);
          expect(ob[argmaxOf(obShifted)]).toBeCloseTo(ob[argmaxOf(ob)], 3);
        },
      ),
      RUNS,
    );
  });

  it('obrien2023 is li2022 with tau = (1 + beta) / beta up to a softmax temperature', () => {
    fc.assert(
      fc.property(
        expertAmateur(),
        alphaArb,
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        ([expert, amateur], alpha, beta) => {
          const ob = contrastiveScores(expert, amateur, { variant: 'obrien2023', alpha, beta });
          const li = contrastiveScores(expert, amateur, { variant: 'li2022', alpha, amateurTemperature: (1 + beta) / beta });
          // On the head, ob = (1 + beta) * li + constant.
          let offset: number | null = null;
          for (let x = 0; x < expert.length; x++) {
            expect(ob[x] === -Infinity).toBe(li[x] === -Infinity);
            if (ob[x] === -Infinity) continue;
            const d = ob[x] - (1 + beta) * li[x];
            if (offset === null) offset = d;
            expect(Math.abs(d - offset)).toBeLessThan(1e-4 * (1 + Math.abs(ob[x]) + Math.abs(li[x])));
          }
          // Same decision, up to float rounding between mathematically tied tokens.
          expect(li[argmaxOf(ob)]).toBeCloseTo(li[argmaxOf(li)], 3);
        },
      ),
      RUNS,
    );
  });

  it('no function mutates its inputs', () => {
    fc.assert(
      fc.property(expertAmateur(), variantArb, alphaArb, ([expert, amateur], variant, alpha) => {
        const e0 = expert.slice();
        const a0 = amateur.slice();
        contrastiveScores(expert, amateur, { variant, alpha });
        contrastiveStep(expert, amateur, { variant, alpha });
        plausibleHead(expert, alpha);
        expect(expert).toEqual(e0);
        expect(amateur).toEqual(a0);
      }),
      { seed: 42, numRuns: 100 },
    );
    const prompt = [1, 2, 3];
    const continuation = [4];
    amateurContextIds(prompt, continuation);
    amateurContextIds(prompt, continuation, 'full');
    expect(prompt).toEqual([1, 2, 3]);
    expect(continuation).toEqual([4]);
  });

  it('every trace survives a JSON round trip', () => {
    fc.assert(
      fc.property(expertAmateur(), variantArb, alphaArb, betaArb, tauArb, ([expert, amateur], variant, alpha, beta, tau) => {
        const { trace } = contrastiveStep(expert, amateur, { variant, alpha, beta, amateurTemperature: tau, topN: 5 });
        expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
