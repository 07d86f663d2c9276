import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, totalVariation } from '../../../../src/lib/decoding/numerics';
import { SeededRandom, createRandom, sampleIndex } from '../../../../src/lib/decoding/prng';
import {
  acceptanceRate,
  estimateAlpha,
  expectedSpeedup,
  expectedTokensPerRound,
  residualDistribution,
  speculativeRound,
  speculativeRoundGreedy,
  speculativeVerify,
  speculativeVerifyGreedy,
  type SpeculativeResult,
} from '../../../../src/lib/decoding/speculative';
import { chiSquareGoodnessOfFit } from '../../../../src/lib/stats';

// ---------------------------------------------------------------------------------------------
// Helpers

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

/** A `random` that returns the given values in order and fails loudly if asked for more. */
function scripted(values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`scripted random exhausted after ${values.length} draws`);
    return values[i++];
  };
}

/** Counts the draws a call makes, answering each with `value`. */
function countingRandom(value: number): { random: () => number; count: () => number } {
  let n = 0;
  return {
    random: () => {
      n++;
      return value;
    },
    count: () => n,
  };
}

/** A random distribution over `vocabSize` tokens, some entries exactly 0 with `zeroChance`. */
function randomDistribution(random: () => number, vocabSize: number, zeroChance: number): Float32Array {
  const weights: number[] = Array.from({ length: vocabSize }, () => (random() < zeroChance ? 0 : random() ** 2 + 1e-3));
  if (!weights.some((w) => w > 0)) weights[Math.floor(random() * vocabSize)] = 1;
  const total = weights.reduce((s, w) => s + w, 0);
  return Float32Array.from(weights, (w) => w / total);
}

function hashPrefix(seed: number, prefix: readonly number[]): number {
  let h = seed >>> 0;
  for (const t of prefix) {
    h = Math.imul(h ^ (t + 1), 0x9e3779b1) >>> 0;
    h ^= h >>> 15;
  }
  return h;
}

/** A toy language model: prefix -> next-token distribution, fixed by (seed, prefix) alone. */
type ToyModel = (prefix: readonly number[]) => Float32Array;

function toyModel(seed: number, vocabSize: number, zeroChance: number): ToyModel {
  const cache = new Map<string, Float32Array>();
  return (prefix) => {
    const key = prefix.join(',');
    let row = cache.get(key);
    if (!row) {
      row = randomDistribution(createRandom(hashPrefix(seed, prefix)), vocabSize, zeroChance);
      cache.set(key, row);
    }
    return row;
  };
}

/** All sequences of `length` tokens from a vocabulary of `vocabSize`. */
function allSequences(vocabSize: number, length: number): number[][] {
  let seqs: number[][] = [[]];
  for (let i = 0; i < length; i++) seqs = seqs.flatMap((s) => Array.from({ length: vocabSize }, (_, t) => [...s, t]));
  return seqs;
}

/** The rows a round needs for a given draft sequence: q_i and p_i at prefix + x_<i. */
function roundRows(target: ToyModel, draft: ToyModel, prefix: number[], draftTokens: number[]) {
  const draftProbs = draftTokens.map((_, i) => draft([...prefix, ...draftTokens.slice(0, i)]));
  const targetProbs = Array.from({ length: draftTokens.length + 1 }, (_, i) => target([...prefix, ...draftTokens.slice(0, i)]));
  return { draftProbs, targetProbs };
}

function addTo(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

function expectSameDistribution(actual: Map<string, number>, expected: Map<string, number>, tolerance: number): void {
  for (const key of new Set([...actual.keys(), ...expected.keys()])) {
    const a = actual.get(key) ?? 0;
    const e = expected.get(key) ?? 0;
    if (Math.abs(a - e) > tolerance) throw new Error(`outcome [${key}]: got probability ${a}, expected ${e}`);
  }
}

function expectCloseArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tolerance) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The rule written out independently of the implementation: the analysis the tests trust.

/** Probability that draft token x, drawn from q, is accepted against p: min(1, p(x)/q(x)). */
function mathAcceptProbability(p: Float32Array, q: Float32Array, x: number): number {
  return p[x] >= q[x] ? 1 : p[x] / q[x];
}

/** normalise(max(0, p - q)) in float64, or p when that has no mass. */
function mathResidual(p: Float32Array, q: Float32Array): number[] {
  const w = Array.from(p, (pi, i) => Math.max(0, pi - q[i]));
  const mass = w.reduce((s, v) => s + v, 0);
  const source = mass > 0 ? w : Array.from(p);
  const total = source.reduce((s, v) => s + v, 0);
  return source.map((v) => v / total);
}

/**
 * Exact distribution of one round's output for a FIXED draft sequence, keyed by the emitted
 * tokens: accept the first n with prob prod a_i, reject the next with 1 - a_{n+1}, then a
 * residual token; or accept all and add a bonus token from p_{gamma+1}.
 */
function mathRoundOutcomes(draftTokens: number[], draftProbs: Float32Array[], targetProbs: Float32Array[]): Map<string, number> {
  const out = new Map<string, number>();
  const gamma = draftTokens.length;
  let reach = 1;
  for (let i = 0; i < gamma; i++) {
    const a = mathAcceptProbability(targetProbs[i], draftProbs[i], draftTokens[i]);
    const reject = reach * (1 - a);
    if (reject > 0) {
      mathResidual(targetProbs[i], draftProbs[i]).forEach((r, t) => {
        if (r > 0) addTo(out, [...draftTokens.slice(0, i), t].join(','), reject * r);
      });
    }
    reach *= a;
  }
  if (reach > 0) {
    targetProbs[gamma].forEach((pt, t) => {
      if (pt > 0) addTo(out, [...draftTokens, t].join(','), reach * pt);
    });
  }
  return out;
}

/** Distribution of the first emitted token of a round at `prefix`, summed over draft sequences. */
function mathFirstToken(target: ToyModel, draft: ToyModel, prefix: number[], gamma: number, vocabSize: number): number[] {
  const dist = new Array<number>(vocabSize).fill(0);
  for (const seq of allSequences(vocabSize, gamma)) {
    const { draftProbs, targetProbs } = roundRows(target, draft, prefix, seq);
    const proposal = seq.reduce((w, x, i) => w * draftProbs[i][x], 1);
    if (proposal === 0) continue;
    for (const [key, w] of mathRoundOutcomes(seq, draftProbs, targetProbs)) dist[Number(key.split(',')[0])] += proposal * w;
  }
  return dist;
}

/**
 * Distribution of the next `length` tokens of the stream produced by repeated rounds from
 * `prefix` (a round that emits too few tokens is followed by another from the longer prefix).
 */
function mathStream(target: ToyModel, draft: ToyModel, prefix: number[], gamma: number, vocabSize: number, length: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const seq of allSequences(vocabSize, gamma)) {
    const { draftProbs, targetProbs } = roundRows(target, draft, prefix, seq);
    const proposal = seq.reduce((w, x, i) => w * draftProbs[i][x], 1);
    if (proposal === 0) continue;
    for (const [key, w] of mathRoundOutcomes(seq, draftProbs, targetProbs)) {
      const emitted = key.split(',').map(Number);
      if (emitted.length >= length) {
        addTo(out, emitted.slice(0, length).join(','), proposal * w);
      } else {
        const rest = mathStream(target, draft, [...prefix, ...emitted], gamma, vocabSize, length - emitted.length);
        for (const [tail, v] of rest) addTo(out, [...emitted, tail].join(','), proposal * w * v);
      }
    }
  }
  return out;
}

/** Autoregressive sampling from the target alone: the distribution everything must match. */
function targetSequences(target: ToyModel, prefix: number[], vocabSize: number, length: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const seq of allSequences(vocabSize, length)) {
    let w = 1;
    for (let i = 0; i < length && w > 0; i++) w *= target([...prefix, ...seq.slice(0, i)])[seq[i]];
    if (w > 0) addTo(out, seq.join(','), w);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Driving the real implementation over all its random streams, exactly.

interface Cell {
  mid: number;
  width: number;
}

/** [0, 1) cut at the given points; each cell is represented by its midpoint. */
function cellsFrom(points: number[]): Cell[] {
  const cuts = [...new Set([0, 1, ...points.filter((v) => v > 0 && v < 1)])].sort((a, b) => a - b);
  const cells: Cell[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const width = cuts[i + 1] - cuts[i];
    if (width > 1e-12) cells.push({ mid: (cuts[i] + cuts[i + 1]) / 2, width });
  }
  return cells;
}

function cdfPoints(dist: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < dist.length; i++) total += dist[i];
  const points: number[] = [];
  let c = 0;
  for (let i = 0; i < dist.length; i++) {
    c += dist[i];
    points.push(c / total);
  }
  return points;
}

class NeedsDraw extends Error {
  constructor(readonly depth: number) {
    super(`needs draw ${depth}`);
  }
}

/**
 * The implementation's exact output distribution for one draft sequence: enumerate every path
 * of random draws, answering draw d with the midpoint of each cell of [0, 1) cut at the points
 * where the documented rule can change its mind (the acceptance threshold p/q of token d, also
 * q/p so a swapped ratio is measured exactly too, and the CDF breakpoints of the residual at
 * the previous row and of the bonus row). The implementation is a black box here: each path is
 * one real call, weighted by the product of its cells' widths.
 */
function implementationOutcomes(
  verify: typeof speculativeVerify,
  draftTokens: number[],
  draftProbs: Float32Array[],
  targetProbs: Float32Array[],
): Map<string, number> {
  const gamma = draftTokens.length;
  const cellsAt = (depth: number): Cell[] => {
    const points: number[] = [];
    if (depth < gamma) {
      const x = draftTokens[depth];
      points.push(targetProbs[depth][x] / draftProbs[depth][x], draftProbs[depth][x] / targetProbs[depth][x]);
    }
    if (depth >= 1 && depth <= gamma) points.push(...cdfPoints(mathResidual(targetProbs[depth - 1], draftProbs[depth - 1])));
    if (depth === gamma) points.push(...cdfPoints(targetProbs[gamma]));
    return cellsFrom(points);
  };
  const out = new Map<string, number>();
  const explore = (choices: Cell[], weight: number): void => {
    let calls = 0;
    let result: SpeculativeResult;
    try {
      result = verify(draftTokens, draftProbs, targetProbs, () => {
        const depth = calls++;
        if (depth < choices.length) return choices[depth].mid;
        throw new NeedsDraw(depth);
      });
    } catch (e) {
      if (!(e instanceof NeedsDraw)) throw e;
      for (const cell of cellsAt(e.depth)) explore([...choices, cell], weight * cell.width);
      return;
    }
    addTo(out, result.tokens.join(','), weight);
  };
  explore([], 1);
  return out;
}

/** Arbitrary toy setting: models, vocabulary size, gamma. */
const toySetting = (maxVocab: number, gammas: number[]) =>
  fc.record({
    targetSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    draftSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    vocabSize: fc.integer({ min: 2, max: maxVocab }),
    gamma: fc.constantFrom(...gammas),
    targetZeros: fc.constantFrom(0, 0.3),
    draftZeros: fc.constantFrom(0, 0.3),
  });

// ---------------------------------------------------------------------------------------------

describe('speculative sampling is exact (enumeration)', () => {
  it('analysis: the first emitted token is distributed as p_1 (gamma = 1, 2, 3)', () => {
    fc.assert(
      fc.property(toySetting(5, [1, 2, 3]), (s) => {
        const vocabSize = s.gamma === 3 ? Math.min(s.vocabSize, 4) : s.vocabSize;
        const target = toyModel(s.targetSeed, vocabSize, s.targetZeros);
        const draft = toyModel(s.draftSeed, vocabSize, s.draftZeros);
        const first = mathFirstToken(target, draft, [], s.gamma, vocabSize);
        expectCloseArrays(first, target([]), 1e-6);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('analysis: the token stream from repeated rounds is distributed as target sampling', () => {
    fc.assert(
      fc.property(toySetting(3, [1, 2, 3]), (s) => {
        const target = toyModel(s.targetSeed, s.vocabSize, s.targetZeros);
        const draft = toyModel(s.draftSeed, s.vocabSize, s.draftZeros);
        const length = s.gamma === 1 ? 3 : 2;
        expectSameDistribution(mathStream(target, draft, [], s.gamma, s.vocabSize, length), targetSequences(target, [], s.vocabSize, length), 1e-6);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('implementation: every round outcome has exactly the analysed probability, so the first token is p_1', () => {
    fc.assert(
      fc.property(toySetting(5, [0, 1, 2, 3]), (s) => {
        const vocabSize = Math.min(s.vocabSize, [5, 5, 4, 3][s.gamma]);
        const target = toyModel(s.targetSeed, vocabSize, s.targetZeros);
        const draft = toyModel(s.draftSeed, vocabSize, s.draftZeros);
        const first = new Array<number>(vocabSize).fill(0);
        for (const seq of allSequences(vocabSize, s.gamma)) {
          const { draftProbs, targetProbs } = roundRows(target, draft, [], seq);
          const proposal = seq.reduce((w, x, i) => w * draftProbs[i][x], 1);
          if (proposal === 0) continue;
          const observed = implementationOutcomes(speculativeVerify, seq, draftProbs, targetProbs);
          expect([...observed.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
          expectSameDistribution(observed, mathRoundOutcomes(seq, draftProbs, targetProbs), 1e-6);
          for (const [key, w] of observed) first[Number(key.split(',')[0])] += proposal * w;
        }
        expectCloseArrays(first, target([]), 1e-6);
      }),
      { seed: 42, numRuns: 80 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Sampling check: a chi-square test at a fixed seed, with power shown against known-wrong rules.

const CHI_P1 = f32([0.05, 0.1, 0.2, 0.3, 0.35]);
const CHI_Q1 = f32([0.3, 0.3, 0.2, 0.1, 0.1]);
const CHI_TARGET = [CHI_P1, f32([0.4, 0.1, 0.1, 0.2, 0.2]), f32([0.2, 0.2, 0.2, 0.2, 0.2]), f32([0.1, 0.6, 0.1, 0.1, 0.1])];
const CHI_DRAFT = [CHI_Q1, f32([0.25, 0.25, 0.1, 0.2, 0.2]), f32([0.5, 0.1, 0.1, 0.1, 0.2])];
const CHI_ROUNDS = 20_000;
const CHI_SEED = 20240601;

/**
 * Runs `verify` for CHI_ROUNDS rounds with draft tokens drawn from q by the same seeded
 * generator; returns the histograms of the first emitted token and of the bonus tokens.
 */
function simulateRounds(verify: typeof speculativeVerify) {
  const rng = new SeededRandom(CHI_SEED).asFunction();
  const vocabSize = CHI_P1.length;
  const first = new Array<number>(vocabSize).fill(0);
  const bonus = new Array<number>(vocabSize).fill(0);
  for (let round = 0; round < CHI_ROUNDS; round++) {
    const draftTokens = CHI_DRAFT.map((q) => sampleIndex(q, rng));
    const { accepted, tokens } = verify(draftTokens, CHI_DRAFT, CHI_TARGET, rng);
    first[tokens[0]]++;
    if (accepted === CHI_DRAFT.length) bonus[tokens[tokens.length - 1]]++;
  }
  return { first, bonus };
}

/** A round like the right one but with a different accept rule / residual: known-wrong variants. */
function wrongVerify(kind: 'string-match' | 'lenient' | 'residual-from-p' | 'swapped-ratio'): typeof speculativeVerify {
  return (draftTokens, draftProbs, targetProbs, random) => {
    const gamma = draftTokens.length;
    for (let i = 0; i < gamma; i++) {
      const x = draftTokens[i];
      const p = targetProbs[i][x];
      const q = draftProbs[i][x];
      let accept: boolean;
      if (kind === 'string-match') accept = sampleIndex(targetProbs[i], random) === x;
      else if (kind === 'lenient') accept = random() * q * 0.5 <= p;
      else if (kind === 'swapped-ratio') accept = random() * p <= q;
      else accept = random() * q <= p;
      if (!accept) {
        const from = kind === 'residual-from-p' ? targetProbs[i] : Float32Array.from(mathResidual(targetProbs[i], draftProbs[i]));
        return { accepted: i, tokens: [...draftTokens.slice(0, i), sampleIndex(from, random)] };
      }
    }
    return { accepted: gamma, tokens: [...draftTokens, sampleIndex(targetProbs[gamma], random)] };
  };
}

describe('speculative sampling is exact (chi-square at a fixed seed)', () => {
  it(`first emitted token over ${CHI_ROUNDS} rounds fits p_1, and bonus tokens fit p_(gamma+1)`, () => {
    const { first, bonus } = simulateRounds(speculativeVerify);
    expect(chiSquareGoodnessOfFit(first, CHI_P1).pValue).toBeGreaterThan(0.001);
    expect(bonus.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    expect(chiSquareGoodnessOfFit(bonus, CHI_TARGET[3]).pValue).toBeGreaterThan(0.001);
  });

  it.each(['string-match', 'lenient', 'residual-from-p', 'swapped-ratio'] as const)(
    'the same test rejects the known-wrong "%s" rule (the test has power)',
    (kind) => {
      const { first } = simulateRounds(wrongVerify(kind));
      expect(chiSquareGoodnessOfFit(first, CHI_P1).pValue).toBeLessThan(0.001);
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('speculativeVerify by hand', () => {
  // q1 = [.6 .3 .1], p1 = [.3 .4 .3]: x1 = 0 has p/q = 0.5.
  // q2 = [.2 .7 .1], p2 = [.5 .35 .15]: x2 = 1 has p/q = 0.5; residual max(0, p2 - q2) =
  // [.3 0 .05], mass .35, normalised [6/7 0 1/7].
  const draftProbs = [f32([0.6, 0.3, 0.1]), f32([0.2, 0.7, 0.1]), f32([0.1, 0.1, 0.8])];
  const targetProbs = [f32([0.3, 0.4, 0.3]), f32([0.5, 0.35, 0.15]), f32([0.2, 0.2, 0.6]), f32([0.1, 0.1, 0.8])];
  const draftTokens = [0, 1, 2];

  it('accepts x1 (r = 0.4 <= 0.5), rejects x2 (r = 0.9 > 0.5), samples the residual with u = 0.9 -> token 2', () => {
    const result = speculativeVerify(draftTokens, draftProbs, targetProbs, scripted([0.4, 0.9, 0.9]));
    expect(result).toEqual({ accepted: 1, tokens: [0, 2] });
    // u = 0.5 falls in the residual's first cell [0, 6/7).
    expect(speculativeVerify(draftTokens, draftProbs, targetProbs, scripted([0.4, 0.9, 0.5])).tokens).toEqual([0, 0]);
  });

  it('rejecting the first token samples residual normalise(max(0, p1 - q1)) = [0, 1/3, 2/3]', () => {
    expect(speculativeVerify(draftTokens, draftProbs, targetProbs, scripted([0.6, 0.3])).tokens).toEqual([1]);
    expect(speculativeVerify(draftTokens, draftProbs, targetProbs, scripted([0.6, 0.34])).tokens).toEqual([2]);
  });

  it('accepting all gamma tokens adds a bonus token from p_(gamma+1)', () => {
    // x3 = 2: p3/q3 = 0.6/0.8 = 0.75; bonus row [.1 .1 .8], u = 0.15 -> token 1.
    const result = speculativeVerify(draftTokens, draftProbs, targetProbs, scripted([0.1, 0.2, 0.7, 0.15]));
    expect(result).toEqual({ accepted: 3, tokens: [0, 1, 2, 1] });
  });

  it('accepts at r exactly equal to p/q and rejects just above it', () => {
    const q = [f32([0.5, 0.5])];
    const p = [f32([0.25, 0.75]), f32([1, 0])];
    expect(speculativeVerify([0], q, p, scripted([0.5, 0])).accepted).toBe(1);
    expect(speculativeVerify([0], q, p, scripted([0.5000001, 0])).accepted).toBe(0);
  });

  it('draws one r per verified token, then exactly one draw for the final token', () => {
    for (const [r, expectedDraws] of [
      [0.99, 2], // x1 rejected (ratio 0.5): r1 + residual draw
      [0.01, 4], // all three accepted: r1 r2 r3 + bonus draw
    ] as const) {
      const c = countingRandom(r);
      speculativeVerify(draftTokens, draftProbs, targetProbs, c.random);
      expect(c.count()).toBe(expectedDraws);
    }
  });

  it('gamma = 0 is plain inverse-CDF sampling from p_1 with one draw', () => {
    const p = [f32([0.2, 0.5, 0.3])];
    expect(speculativeVerify([], [], p, scripted([0.1]))).toEqual({ accepted: 0, tokens: [0] });
    expect(speculativeVerify([], [], p, scripted([0.3]))).toEqual({ accepted: 0, tokens: [1] });
    expect(speculativeVerify([], [], p, scripted([0.75]))).toEqual({ accepted: 0, tokens: [2] });
  });

  it('rejects a token with p(x) = 0 even when r = 0', () => {
    const q = [f32([0.5, 0.5])];
    const p = [f32([1, 0]), f32([0.5, 0.5])];
    expect(speculativeVerify([1], q, p, scripted([0, 0.99]))).toEqual({ accepted: 0, tokens: [0] });
  });

  it('falls back to sampling p when the residual has no mass (p <= q everywhere through rounding)', () => {
    const q = [f32([0.5, 0.5])];
    const p = [f32([0.5, 0.4995]), f32([0.5, 0.5])];
    // x = 1: p/q = 0.999 < r = 0.9999 -> reject; max(0, p - q) = [0, 0] -> sample p = [.5 .4995].
    expect(speculativeVerify([1], q, p, scripted([0.9999, 0.2]))).toEqual({ accepted: 0, tokens: [0] });
    expect(speculativeVerify([1], q, p, scripted([0.9999, 0.9]))).toEqual({ accepted: 0, tokens: [1] });
    // p's CDF splits at 0.5 / 0.9995 = 0.50025 and q's at 0.5: u = 0.5001 tells them apart.
    expect(speculativeVerify([1], q, p, scripted([0.9999, 0.5001]))).toEqual({ accepted: 0, tokens: [0] });
    const { trace } = speculativeRound([1], q, p, scripted([0.9999, 0.9]));
    expect(trace.residual).toEqual({ position: 0, positiveMass: 0, fellBackToTarget: true });
  });
});

describe('q == p accepts every draft token', () => {
  it('for any draws (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (seed, vocabSize, gamma, draws) => {
          const rng = createRandom(seed);
          const rows = Array.from({ length: gamma + 1 }, () => randomDistribution(rng, vocabSize, 0.3));
          const draftTokens = rows.slice(0, gamma).map((q) => sampleIndex(q, rng));
          const result = speculativeVerify(draftTokens, rows.slice(0, gamma), rows, scripted([...draws.slice(0, gamma), 0.5]));
          expect(result.accepted).toBe(gamma);
          expect(result.tokens.slice(0, gamma)).toEqual(draftTokens);
          // Every draw at the largest value a SeededRandom can return.
          const worst = speculativeVerify(draftTokens, rows.slice(0, gamma), rows, () => 1 - 2 ** -32);
          expect(worst.accepted).toBe(gamma);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('residualDistribution', () => {
  it('normalises max(0, p - q) by hand', () => {
    const r = residualDistribution(f32([0.4, 0.4, 0.2]), f32([0.1, 0.3, 0.6]));
    expect(r.source).toBe('residual');
    expect(r.positiveMass).toBeCloseTo(0.4, 6);
    expectCloseArrays(r.probs, [0.75, 0.25, 0], 1e-6);
    const s = residualDistribution(f32([0.5, 0.3, 0.2]), f32([0.2, 0.5, 0.3]));
    expectCloseArrays(s.probs, [1, 0, 0], 1e-7);
  });

  it('returns p itself, flagged, when the residual has no mass', () => {
    const p = f32([0.25, 0.75]);
    const r = residualDistribution(p, p);
    expect(r.source).toBe('target');
    expect(r.positiveMass).toBe(0);
    expectCloseArrays(r.probs, [0.25, 0.75], 1e-7);
    // p <= q everywhere (rows off by rounding): p, renormalised, not q.
    const s = residualDistribution(f32([0.5, 0.4995]), f32([0.5, 0.5]));
    expect(s.source).toBe('target');
    expectCloseArrays(s.probs, [0.5 / 0.9995, 0.4995 / 0.9995], 1e-7);
  });

  it('is a distribution, zero where p <= q, with mass TV(p, q) (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 8 }), (seed, vocabSize) => {
        const rng = createRandom(seed);
        const p = randomDistribution(rng, vocabSize, 0.3);
        const q = randomDistribution(rng, vocabSize, 0.3);
        const r = residualDistribution(p, q);
        if (r.source === 'target') return; // p == q after rounding
        expect(r.probs.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
        r.probs.forEach((v, i) => {
          if (p[i] <= q[i]) expect(v).toBe(0);
          else expect(v).toBeCloseTo((p[i] - q[i]) / r.positiveMass, 6);
        });
        expect(r.positiveMass).toBeCloseTo(totalVariation(p, q), 6);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('speculativeRound (traced)', () => {
  const draftProbs = [f32([0.6, 0.3, 0.1]), f32([0.2, 0.7, 0.1]), f32([0.1, 0.1, 0.8])];
  const targetProbs = [f32([0.3, 0.4, 0.3]), f32([0.5, 0.35, 0.15]), f32([0.2, 0.2, 0.6]), f32([0.1, 0.1, 0.8])];

  it('records each token, its ratio, r and verdict, the residual mass and the final token', () => {
    const { accepted, tokens, trace } = speculativeRound([0, 1, 2], draftProbs, targetProbs, scripted([0.4, 0.9, 0.9]));
    expect({ accepted, tokens }).toEqual({ accepted: 1, tokens: [0, 2] });
    expect(trace.method).toBe('speculative');
    expect(trace.gamma).toBe(3);
    expect(trace.vocabSize).toBe(3);
    expect(trace.steps.map((s) => s.verdict)).toEqual(['accepted', 'rejected', 'not-verified']);
    expect(trace.steps.map((s) => s.r)).toEqual([0.4, 0.9, null]);
    expect(trace.steps[0].draftProb).toBeCloseTo(0.6, 6);
    expect(trace.steps[0].targetProb).toBeCloseTo(0.3, 6);
    expect(trace.steps[0].ratio).toBeCloseTo(0.5, 6);
    expect(trace.steps[0].acceptProb).toBeCloseTo(0.5, 6);
    expect(trace.steps[2].ratio).toBeCloseTo(0.75, 6);
    // beta_i = sum min(p_i, q_i): 0.3 + 0.3 + 0.1; 0.2 + 0.35 + 0.1; 0.1 + 0.1 + 0.6.
    expect(trace.steps.map((s) => s.beta)).toEqual([
      expect.closeTo(0.7, 6),
      expect.closeTo(0.65, 6),
      expect.closeTo(0.8, 6),
    ]);
    expect(trace.residual?.position).toBe(1);
    expect(trace.residual?.positiveMass).toBeCloseTo(0.35, 6);
    expect(trace.residual?.fellBackToTarget).toBe(false);
    expect(trace.final!.kind).toBe('residual');
    expect(trace.final!.position).toBe(1);
    expect(trace.final!.token).toBe(2);
    expect(trace.final!.prob).toBeCloseTo(1 / 7, 6);
    expect(trace.final!.targetProb).toBeCloseTo(0.15, 6);
    expect(trace.final!.u).toBe(0.9);
    expect(trace.final!.top.map((c) => c.token)).toEqual([0, 2]);
    expect(trace.final!.top[0].prob).toBeCloseTo(6 / 7, 6);
    expect(trace.final!.top[0].targetProb).toBeCloseTo(0.5, 6);
    expect(trace.final!.top[0].draftProb).toBeCloseTo(0.2, 6);
  });

  it('describes a bonus token with the top of p_(gamma+1)', () => {
    const { trace } = speculativeRound([0, 1, 2], draftProbs, targetProbs, scripted([0.1, 0.2, 0.7, 0.15]), { topN: 2 });
    expect(trace.residual).toBeNull();
    expect(trace.final).toMatchObject({ kind: 'bonus', position: 3, token: 1, u: 0.15 });
    expect(trace.final!.prob).toBeCloseTo(0.1, 6);
    expect(trace.final!.top).toEqual([{ token: 2, prob: expect.closeTo(0.8, 6), targetProb: expect.closeTo(0.8, 6), draftProb: null }, { token: 0, prob: expect.closeTo(0.1, 6), targetProb: expect.closeTo(0.1, 6), draftProb: null }]);
  });

  it('ends the round at an accepted end token: no later verification, draw, residual or bonus', () => {
    // Token 1 is the end token; draft token 2 (position 1) is it. Two draws accept 0 and then 1;
    // scripted() would throw if a third uniform (for position 2 or a bonus) were asked for.
    const ended = speculativeRound([0, 1, 2], draftProbs, targetProbs, scripted([0.4, 0.1]), { endToken: 1 });
    expect({ accepted: ended.accepted, tokens: ended.tokens }).toEqual({ accepted: 2, tokens: [0, 1] });
    expect(ended.trace.tokens).toEqual([0, 1]);
    expect(ended.trace.steps.map((s) => s.verdict)).toEqual(['accepted', 'accepted', 'not-verified']);
    expect(ended.trace.steps.map((s) => s.r)).toEqual([0.4, 0.1, null]);
    expect(ended.trace.residual).toBeNull();
    expect(ended.trace.final).toBeNull();
    expect(speculativeVerify([0, 1, 2], draftProbs, targetProbs, scripted([0.4, 0.1]), { endToken: 1 })).toEqual({ accepted: 2, tokens: [0, 1] });
    // The same draws without an end token go on to verify position 2 and draw the last token.
    expect(speculativeRound([0, 1, 2], draftProbs, targetProbs, scripted([0.4, 0.1, 0.5, 0.3])).tokens).toHaveLength(4);
  });

  it('a rejected end token, or one drawn as the residual or bonus, ends the round as usual', () => {
    const rejected = speculativeRound([0, 1, 2], draftProbs, targetProbs, scripted([0.4, 0.9, 0.9]), { endToken: 1 });
    expect(rejected.tokens).toEqual([0, 2]);
    expect(rejected.trace.final?.kind).toBe('residual');
    const bonus = speculativeRound([0, 1, 2], draftProbs, targetProbs, scripted([0.1, 0.2, 0.7, 0.15]), { endToken: 2 });
    // Draft token 3 is the end token 2 and is accepted: the bonus draw is never made.
    expect(bonus.tokens).toEqual([0, 1, 2]);
    expect(bonus.trace.final).toBeNull();
  });

  it('rejects an end token outside the vocabulary', () => {
    expect(() => speculativeRound([0], [draftProbs[0]], targetProbs.slice(0, 2), scripted([0.1]), { endToken: 3 })).toThrow(
      'endToken must be null or a token id in [0, 3), got 3',
    );
    expect(() => speculativeRoundGreedy([0], targetProbs.slice(0, 2), { endToken: -1 })).toThrow('endToken must be null');
  });

  it('makes exactly the decisions of speculativeVerify and consumes the same draws (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (seed, vocabSize, gamma, drawSeed) => {
          const rng = createRandom(seed);
          const draftProbs = Array.from({ length: gamma }, () => randomDistribution(rng, vocabSize, 0.3));
          const targetProbs = Array.from({ length: gamma + 1 }, () => randomDistribution(rng, vocabSize, 0.3));
          const draftTokens = draftProbs.map((q) => sampleIndex(q, rng));
          const a = new SeededRandom(drawSeed);
          const b = new SeededRandom(drawSeed);
          const plain = speculativeVerify(draftTokens, draftProbs, targetProbs, a.asFunction());
          const traced = speculativeRound(draftTokens, draftProbs, targetProbs, b.asFunction(), { topN: 3 });
          expect({ accepted: traced.accepted, tokens: traced.tokens }).toEqual(plain);
          expect(b.getState()).toEqual(a.getState());
          expect(traced.trace.tokens).toEqual(plain.tokens);
          expect(traced.trace.steps.filter((s) => s.verdict === 'accepted')).toHaveLength(plain.accepted);
          traced.trace.steps.forEach((s, i) => {
            expect(s.beta).toBeCloseTo(acceptanceRate(targetProbs[i], draftProbs[i]), 12);
            if (s.r !== null) expect(s.verdict === 'accepted').toBe(s.r * s.draftProb <= s.targetProb && s.targetProb > 0);
          });
          expect(traced.trace.final!.top.length).toBeLessThanOrEqual(3);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('traces survive a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 4 }), (seed, gamma) => {
        const rng = createRandom(seed);
        const draftProbs = Array.from({ length: gamma }, () => randomDistribution(rng, 6, 0.3));
        const targetProbs = Array.from({ length: gamma + 1 }, () => randomDistribution(rng, 6, 0.3));
        const draftTokens = draftProbs.map((q) => sampleIndex(q, rng));
        const { trace } = speculativeRound(draftTokens, draftProbs, targetProbs, rng);
        expect(JSON.parse(JSON.stringify(trace))).toStrictEqual(trace);
        const greedy = speculativeRoundGreedy(draftTokens, targetProbs).trace;
        expect(JSON.parse(JSON.stringify(greedy))).toStrictEqual(greedy);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** A toy model of logits with small integer values, so ties are common. */
function toyLogitModel(seed: number, vocabSize: number): (prefix: readonly number[]) => Float32Array {
  return (prefix) => {
    const rng = createRandom(hashPrefix(seed, prefix));
    const row = Float32Array.from({ length: vocabSize }, () => (rng() < 0.1 ? -Infinity : Math.floor(rng() * 4)));
    if (row.every((v) => v === -Infinity)) row[vocabSize - 1] = 0;
    return row;
  };
}

function targetGreedy(target: (prefix: readonly number[]) => Float32Array, length: number): number[] {
  const out: number[] = [];
  while (out.length < length) out.push(argmax(target(out)));
  return out;
}

describe('speculativeVerifyGreedy', () => {
  it('accepts while the draft matches argmax p (ties -> lowest index), then emits argmax', () => {
    const rows = [f32([0.1, 0.6, 0.3]), f32([2, 5, 5]), f32([0, 0, 1])];
    // Row 1 ties tokens 1 and 2 at 5: argmax is 1, so draft token 2 is rejected and 1 emitted.
    expect(speculativeVerifyGreedy([1, 2], rows)).toEqual({ accepted: 1, tokens: [1, 1] });
    expect(speculativeVerifyGreedy([1, 1], rows)).toEqual({ accepted: 2, tokens: [1, 1, 2] });
    expect(speculativeVerifyGreedy([0, 1], rows)).toEqual({ accepted: 0, tokens: [1] });
    expect(speculativeVerifyGreedy([], [f32([-Infinity, 1, 3])])).toEqual({ accepted: 0, tokens: [2] });
    const { trace } = speculativeRoundGreedy([1, 2], rows);
    expect(trace.steps).toEqual([
      { position: 0, token: 1, targetArgmax: 1, verdict: 'accepted' },
      { position: 1, token: 2, targetArgmax: 1, verdict: 'rejected' },
    ]);
    expect(trace.final).toEqual({ kind: 'residual', position: 1, token: 1 });
  });

  it('ends at an accepted end token: later tokens not verified, no bonus', () => {
    const rows = [f32([0.1, 0.6, 0.3]), f32([2, 5, 5]), f32([0, 0, 1])];
    expect(speculativeVerifyGreedy([1, 1], rows, { endToken: 1 })).toEqual({ accepted: 1, tokens: [1] });
    const { trace } = speculativeRoundGreedy([1, 1], rows, { endToken: 1 });
    expect(trace.tokens).toEqual([1]);
    expect(trace.steps.map((s) => s.verdict)).toEqual(['accepted', 'not-verified']);
    expect(trace.steps[1].targetArgmax).toBeNull();
    expect(trace.final).toBeNull();
    // Not accepted, or not the end token: the usual round.
    expect(speculativeVerifyGreedy([0, 1], rows, { endToken: 0 })).toEqual({ accepted: 0, tokens: [1] });
    expect(speculativeVerifyGreedy([1, 1], rows, { endToken: 2 })).toEqual({ accepted: 2, tokens: [1, 1, 2] });
  });

  it('reproduces target-only greedy decoding token for token (fast-check over toy models)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (targetSeed, draftSeed, vocabSize, gamma, agreement) => {
          const target = toyLogitModel(targetSeed, vocabSize);
          const noise = toyLogitModel(draftSeed, vocabSize);
          // The draft copies the target at some prefixes and guesses at others.
          const draft = (prefix: readonly number[]) =>
            createRandom(hashPrefix(draftSeed + 1, prefix))() < agreement ? target(prefix) : noise(prefix);
          const length = 30;
          const expected = targetGreedy(target, length);
          const out: number[] = [];
          let rounds = 0;
          while (out.length < length) {
            const proposal: number[] = [];
            for (let i = 0; i < gamma; i++) proposal.push(argmax(draft([...out, ...proposal])));
            const rows = Array.from({ length: gamma + 1 }, (_, i) => target([...out, ...proposal.slice(0, i)]));
            const { accepted, tokens } = speculativeVerifyGreedy(proposal, rows);
            expect(tokens).toHaveLength(accepted + 1);
            out.push(...tokens);
            rounds++;
          }
          expect(out.slice(0, length)).toEqual(expected);
          expect(rounds).toBeLessThanOrEqual(length);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('theory (Leviathan et al.)', () => {
  it('acceptanceRate = sum min(p, q) by hand and = 1 - TV(p, q) (fast-check)', () => {
    expect(acceptanceRate(f32([0.3, 0.4, 0.3]), f32([0.6, 0.3, 0.1]))).toBeCloseTo(0.7, 6);
    expect(acceptanceRate(f32([1, 0]), f32([0, 1]))).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 10 }), (seed, vocabSize) => {
        const rng = createRandom(seed);
        const p = randomDistribution(rng, vocabSize, 0.3);
        const q = randomDistribution(rng, vocabSize, 0.3);
        expect(acceptanceRate(p, q)).toBeCloseTo(1 - totalVariation(p, q), 6);
        expect(acceptanceRate(p, q)).toBe(acceptanceRate(q, p));
        expect(acceptanceRate(p, p)).toBeCloseTo(1, 6);
        expect(acceptanceRate(p, p)).toBeLessThanOrEqual(1);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('expected tokens per round and speed-up match hand values', () => {
    expect(expectedTokensPerRound(0.8, 4)).toBeCloseTo((1 - 0.8 ** 5) / 0.2, 12);
    expect(expectedTokensPerRound(0.8, 4)).toBeCloseTo(3.3616, 12);
    expect(expectedTokensPerRound(0.5, 1)).toBeCloseTo(1.5, 12);
    expect(expectedSpeedup(0.8, 4, 0.05)).toBeCloseTo(3.3616 / 1.2, 12);
    expect(expectedSpeedup(0.8, 4, 0)).toBeCloseTo(3.3616, 12);
    expect(expectedSpeedup(0, 3, 0.1)).toBeCloseTo(1 / 1.3, 12);
  });

  it('handles the limits exactly: alpha = 1 -> gamma + 1, alpha = 0 -> 1, gamma = 0 -> 1', () => {
    for (const gamma of [0, 1, 4, 10]) {
      expect(expectedTokensPerRound(1, gamma)).toBe(gamma + 1);
      expect(expectedTokensPerRound(0, gamma)).toBe(1);
      expect(expectedSpeedup(1, gamma, 0)).toBe(gamma + 1);
    }
    expect(expectedTokensPerRound(0.37, 0)).toBeCloseTo(1, 14);
    // Near 1 the closed form would cancel; the result must stay continuous.
    expect(expectedTokensPerRound(1 - 1e-12, 4)).toBeCloseTo(5, 9);
    expect(expectedTokensPerRound(1 - 1e-15, 7)).toBeCloseTo(8, 9);
  });

  it('equals the geometric series 1 + alpha + ... + alpha^gamma and rises with alpha (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 0.1, noNaN: true }), (alpha, gamma, step) => {
        let series = 0;
        for (let k = 0; k <= gamma; k++) series += alpha ** k;
        expect(expectedTokensPerRound(alpha, gamma)).toBeCloseTo(series, 9);
        expect(expectedTokensPerRound(Math.min(1, alpha + step), gamma)).toBeGreaterThanOrEqual(expectedTokensPerRound(alpha, gamma) - 1e-12);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('estimateAlpha inverts expectedTokensPerRound (fast-check)', () => {
    expect(estimateAlpha(1, 4)).toBe(0);
    expect(estimateAlpha(5, 4)).toBe(1);
    expect(estimateAlpha(3.3616, 4)).toBeCloseTo(0.8, 10);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 12 }), (alpha, gamma) => {
        const mean = expectedTokensPerRound(alpha, gamma);
        expect(expectedTokensPerRound(estimateAlpha(mean, gamma), gamma)).toBeCloseTo(mean, 9);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('the mean tokens per simulated round approaches expectedTokensPerRound(acceptanceRate(p, q), gamma)', () => {
    const p = f32([0.1, 0.2, 0.3, 0.4]);
    const q = f32([0.25, 0.25, 0.25, 0.25]);
    const gamma = 4;
    const alpha = acceptanceRate(p, q); // 0.1 + 0.2 + 0.25 + 0.25 = 0.8
    expect(alpha).toBeCloseTo(0.8, 6);
    const rng = new SeededRandom(7).asFunction();
    const rounds = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < rounds; i++) {
      const draftTokens = Array.from({ length: gamma }, () => sampleIndex(q, rng));
      const n = speculativeVerify(draftTokens, Array(gamma).fill(q), Array(gamma + 1).fill(p), rng).tokens.length;
      sum += n;
      sumSq += n * n;
    }
    const mean = sum / rounds;
    const standardError = Math.sqrt((sumSq / rounds - mean * mean) / rounds);
    const expected = expectedTokensPerRound(alpha, gamma);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * standardError);
    expect(estimateAlpha(mean, gamma)).toBeCloseTo(0.8, 1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('invalid input', () => {
  const q = [f32([0.5, 0.5])];
  const p = [f32([0.5, 0.5]), f32([0.5, 0.5])];
  const r = () => 0.5;

  it('names the row count, vocabulary, token and value that are wrong', () => {
    expect(() => speculativeVerify([0], [], p, r)).toThrow(/draftProbs must have 1 rows .*got 0/);
    expect(() => speculativeVerify([0], q, [p[0]], r)).toThrow(/targetProbs must have 2 rows .*got 1/);
    expect(() => speculativeVerify([0], [f32([0.5, 0.25, 0.25])], p, r)).toThrow(/draftProbs\[0\] has 3 entries but targetProbs\[0\] has 2/);
    expect(() => speculativeVerify([2], q, p, r)).toThrow(/draftTokens must hold token ids in \[0, 1\], got 2/);
    expect(() => speculativeVerify([0.5], q, p, r)).toThrow(/draftTokens .*got 0.5/);
    expect(() => speculativeVerify([1], [f32([1, 0])], p, r)).toThrow(/draftTokens\[0\] = 1 has probability 0 under draftProbs\[0\]/);
    expect(() => speculativeVerify([0], q, [p[0], f32([1.5, -0.5])], r)).toThrow(/targetProbs\[1\]\[1\] = -0.5 is not a probability/);
    expect(() => speculativeVerify([0], q, [p[0], f32([2, 3])], r)).toThrow(/targetProbs\[1\] sums to 5, not 1 .*not logits/);
    expect(() => speculativeVerify([0], [f32([NaN, 1])], p, r)).toThrow(/draftProbs\[0\]\[0\] = NaN/);
    expect(() => speculativeVerify([0], q, [p[0], f32([])], r)).toThrow(/targetProbs\[1\] is empty/);
    expect(() => speculativeVerify([0], [[0.5, 0.5] as unknown as Float32Array], p, r)).toThrow(/draftProbs\[0\] must be a Float32Array/);
    expect(() => speculativeVerify([0], q, p, () => 1)).toThrow(/random\(\) must return a number in \[0, 1\).*got 1/);
    expect(() => speculativeVerify([0], q, p, scripted([0.1, Number.NaN]))).toThrow(/got NaN/);
    expect(() => speculativeRound([0], q, p, r, { topN: -1 })).toThrow(/topN must be an integer >= 0, got -1/);
    expect(() => residualDistribution(f32([1, 0]), f32([1]))).toThrow(/q has 1 entries but p has 2/);
    expect(() => acceptanceRate(f32([1, 0]), f32([0.5, 0.7]))).toThrow(/q sums to 1.2/);
  });

  it('rejects bad greedy rows', () => {
    expect(() => speculativeVerifyGreedy([0], [f32([1, 2])])).toThrow(/targetRows must have 2 rows .*got 1/);
    expect(() => speculativeVerifyGreedy([], [f32([Number.NaN, 2])])).toThrow(/targetRows\[0\]\[0\] is NaN/);
    expect(() => speculativeVerifyGreedy([], [f32([-Infinity, -Infinity])])).toThrow(/targetRows\[0\] is entirely -Infinity/);
    expect(() => speculativeVerifyGreedy([3], [f32([1, 2]), f32([1, 2])])).toThrow(/got 3/);
  });

  it('rejects alpha, gamma and cost ratio outside their ranges, naming value and range', () => {
    expect(() => expectedTokensPerRound(1.2, 4)).toThrow(/alpha must be a number >= 0 and <= 1, got 1.2/);
    expect(() => expectedTokensPerRound(-0.1, 4)).toThrow(/alpha .*got -0.1/);
    expect(() => expectedTokensPerRound(Number.NaN, 4)).toThrow(/alpha .*got NaN/);
    expect(() => expectedTokensPerRound(0.5, 1.5)).toThrow(/gamma must be an integer >= 0, got 1.5/);
    expect(() => expectedTokensPerRound(0.5, -1)).toThrow(/gamma .*got -1/);
    expect(() => expectedSpeedup(0.5, 2, -1)).toThrow(/costRatio must be a number >= 0, got -1/);
    expect(() => expectedSpeedup(0.5, 2, Infinity)).toThrow(/costRatio .*got Infinity/);
    expect(() => estimateAlpha(6, 4)).toThrow(/meanTokensPerRound must be a number >= 1 and <= 5, got 6/);
    expect(() => estimateAlpha(1, 0)).toThrow(/gamma must be an integer >= 1, got 0/);
  });
});

describe('no input is mutated', () => {
  it('leaves every argument as it was', () => {
    const rng = createRandom(3);
    const draftProbs = Array.from({ length: 3 }, () => randomDistribution(rng, 5, 0.2));
    const targetProbs = Array.from({ length: 4 }, () => randomDistribution(rng, 5, 0.2));
    const draftTokens = draftProbs.map((q) => sampleIndex(q, rng));
    const snapshot = () => ({
      draftTokens: [...draftTokens],
      draftProbs: draftProbs.map((r) => Array.from(r)),
      targetProbs: targetProbs.map((r) => Array.from(r)),
    });
    const before = snapshot();
    for (let i = 0; i < 20; i++) {
      speculativeVerify(draftTokens, draftProbs, targetProbs, rng);
      speculativeRound(draftTokens, draftProbs, targetProbs, rng);
    }
    speculativeVerifyGreedy(draftTokens, targetProbs);
    speculativeRoundGreedy(draftTokens, targetProbs);
    residualDistribution(targetProbs[0], draftProbs[0]);
    acceptanceRate(targetProbs[0], draftProbs[0]);
    expect(snapshot()).toEqual(before);
  });

  it('returns fresh arrays', () => {
    const p = f32([0.25, 0.75]);
    expect(residualDistribution(p, p).probs).not.toBe(p);
    const draftTokens = [0];
    const result = speculativeVerify(draftTokens, [p], [p, p], () => 0);
    expect(result.tokens).not.toBe(draftTokens);
  });
});
