import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beamSearchStep,
  bestHypothesis,
  initBeamSearch,
  runBeamSearch,
  type BeamSearchOptions,
  type BeamSearchState,
} from '../../../../src/lib/decoding/beam';
import { SeededRandom } from '../../../../src/lib/decoding/prng';
import { greedyStep } from '../../../../src/lib/decoding/sampling';

type Model = (prefix: number[]) => Float32Array;
const batched = (model: Model) => (prefixes: number[][]) => prefixes.map(model);

function hashInts(xs: readonly number[]): number {
  let h = 2166136261;
  for (const x of xs) {
    h = Math.imul(h ^ (x & 0xffff), 16777619);
    h = Math.imul(h ^ (x >>> 16), 16777619);
  }
  return h >>> 0;
}

/** A deterministic random "language model": logits in [-scale, scale] from a hash of the prefix. */
function toyModel(seed: number, vocab: number, scale = 4): Model {
  return (prefix) => {
    const rng = new SeededRandom(hashInts([seed, ...prefix]));
    return Float32Array.from({ length: vocab }, () => (rng.next() * 2 - 1) * scale);
  };
}

/** Float64 log-softmax, as a reference. */
function logSoftmax(row: Float32Array): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return Array.from(row, (v) => v - lse);
}

function greedyDecode(model: Model, options: BeamSearchOptions): number[] {
  const prompt = [...(options.promptIds ?? [])];
  const tokens: number[] = [];
  for (let i = 0; i < options.maxNewTokens; i++) {
    const context = [...prompt, ...tokens];
    const penalties = { repetitionPenalty: options.repetitionPenalty ?? 1, noRepeatNgramSize: options.noRepeatNgramSize ?? 0 };
    const token = greedyStep(model(context), context, penalties).token;
    tokens.push(token);
    if (token === options.eosTokenId) break;
  }
  return tokens;
}

/**
 * A 3-token model (0 = a, 1 = b, 2 = EOS) given by its probabilities:
 *   after the prompt: a 0.45, b 0.05, EOS 0.5;  after [a]: 0.1, 0.1, 0.8;  after [b]: 0.3, 0.3, 0.4;
 *   anything longer: 0.2, 0.2, 0.6.
 */
const HAND: Record<string, number[]> = { '': [0.45, 0.05, 0.5], '0': [0.1, 0.1, 0.8], '1': [0.3, 0.3, 0.4] };
const handModel: Model = (prefix) => Float32Array.from(HAND[prefix.join(',')] ?? [0.2, 0.2, 0.6], Math.log);
const EOS = 2;

describe('beam search on a hand-checked 3-token model', () => {
  it('scores finished hypotheses as sum log p / L^lengthPenalty (lengthPenalty 1 prefers [a, EOS])', () => {
    const { state, traces, best } = runBeamSearch(batched(handModel), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 3 });
    // Step 1: EOS (0.5) finishes with score ln 0.5 / 1; a and b run on.
    expect(traces[0].candidates.map((c) => [c.token, c.outcome])).toEqual([
      [2, 'finished'],
      [0, 'running'],
      [1, 'running'],
    ]);
    expect(traces[0].candidates[0].score).toBeCloseTo(Math.log(0.5), 6);
    expect(traces[0].beamIndices).toEqual([0, 0]);
    expect(traces[0].running.map((b) => b.tokens)).toEqual([[0], [1]]);
    // Step 2: [a, EOS] = ln 0.45 + ln 0.8 = -1.022 finishes with -1.022 / 2 = -0.511; [a, a] and [a, b]
    // (-3.101, tied: lower token first) run on; [b, EOS] (-3.912) is 4th of 2B = 4, so an EOS
    // ranked >= B, and is dropped.
    expect(traces[1].candidates.map((c) => [c.sourceBeam, c.token, c.outcome])).toEqual([
      [0, 2, 'finished'],
      [0, 0, 'running'],
      [0, 1, 'running'],
      [1, 2, 'dropped'],
    ]);
    expect(traces[1].candidates[0].score).toBeCloseTo((Math.log(0.45) + Math.log(0.8)) / 2, 6);
    expect(traces[1].candidates[1].cumulativeLogprob).toBeCloseTo(Math.log(0.45) + Math.log(0.1), 6);
    expect(traces[1].beamIndices).toEqual([0, 0]);
    // Two hypotheses and the worst (-0.693) beats the best running beam at this length
    // (-3.101 / 2 = -1.55): done after two steps.
    expect(state.done).toBe(true);
    expect(state.doneReason).toBe('no-better-possible');
    expect(state.step).toBe(2);
    expect(state.running).toEqual([]);
    expect(state.finished.map((h) => h.tokens)).toEqual([[0, 2], [2]]);
    expect(best?.tokens).toEqual([0, 2]);
    expect(best?.length).toBe(2);
    expect(best?.score).toBeCloseTo((Math.log(0.45) + Math.log(0.8)) / 2, 6);
    expect(best?.cumulativeLogprob).toBeCloseTo(Math.log(0.45) + Math.log(0.8), 6);
    expect(best?.finishReason).toBe('eos');
  });

  it('lengthPenalty 0 ranks by the raw sum and prefers the short [EOS]; 2 prefers [a, EOS] more', () => {
    const short = runBeamSearch(batched(handModel), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 3, lengthPenalty: 0 });
    expect(short.best?.tokens).toEqual([2]);
    expect(short.best?.score).toBeCloseTo(Math.log(0.5), 6);
    expect(short.state.finished.map((h) => h.score)).toEqual([
      expect.closeTo(Math.log(0.5), 6),
      expect.closeTo(Math.log(0.45) + Math.log(0.8), 6),
    ]);
    const long = runBeamSearch(batched(handModel), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 3, lengthPenalty: 2 });
    expect(long.best?.tokens).toEqual([0, 2]);
    expect(long.best?.score).toBeCloseTo((Math.log(0.45) + Math.log(0.8)) / 4, 6);
  });

  it('grows a tree whose pruned flags mark the branches no kept hypothesis descends from', () => {
    const { state } = runBeamSearch(batched(handModel), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 3 });
    expect(state.tree.map((n) => [n.id, n.parentId, n.token, n.step, n.finished, n.pruned])).toEqual([
      [0, null, null, 0, false, false],
      [1, 0, 2, 1, true, false], // [EOS]
      [2, 0, 0, 1, false, false], // [a]
      [3, 0, 1, 1, false, true], // [b]
      [4, 2, 2, 2, true, false], // [a, EOS]
      [5, 2, 0, 2, false, true], // [a, a]: running when the search stopped
      [6, 2, 1, 2, false, true],
      [7, 3, 2, 2, false, true], // [b, EOS], dropped
    ]);
    expect(state.tree[4].score).toBeCloseTo((Math.log(0.45) + Math.log(0.8)) / 2, 6);
    expect(state.tree[4].finishReason).toBe('eos');
  });

  it('turns the running beams into hypotheses at maxNewTokens, keeping the B best', () => {
    const { state, traces, best } = runBeamSearch(batched(handModel), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 1 });
    expect(state.doneReason).toBe('max-new-tokens');
    // [EOS] -0.693 and [a] -0.799 are kept; [b] (-3.0) does not beat the worst of two.
    expect(traces[0].candidates.map((c) => [c.token, c.outcome])).toEqual([
      [2, 'finished'],
      [0, 'finished'],
      [1, 'dropped'],
    ]);
    expect(state.finished.map((h) => [h.tokens, h.finishReason])).toEqual([
      [[2], 'eos'],
      [[0], 'length'],
    ]);
    expect(best?.tokens).toEqual([2]);
  });
});

describe('the early_stopping=False stopping rule', () => {
  // a 0.4, b 0.1, EOS 0.5 after the prompt; after [a]: 0.65, 0.05, 0.3; after [b] and [a, a]:
  // 0.05, 0.05, 0.9; anything else 0.2, 0.2, 0.6.
  const table: Record<string, number[]> = {
    '': [0.4, 0.1, 0.5],
    '0': [0.65, 0.05, 0.3],
    '1': [0.05, 0.05, 0.9],
    '0,0': [0.05, 0.05, 0.9],
  };
  const model: Model = (prefix) => Float32Array.from(table[prefix.join(',')] ?? [0.2, 0.2, 0.6], Math.log);

  it('compares the worst hypothesis with the best running score divided by L^lengthPenalty', () => {
    const { state, traces, best } = runBeamSearch(batched(model), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 5 });
    // After step 2 the hypotheses are [EOS] (-0.693) and [a, EOS] (-2.120 / 2 = -1.060). The best
    // running beam [a, a] has -1.347, which is below -1.060, but -1.347 / 2 = -0.674 is above it:
    // the search goes on, and [a, a, EOS] (-1.452 / 3 = -0.484) wins at step 3.
    expect(traces[1].finished.map((h) => h.tokens)).toEqual([[2], [0, 2]]);
    expect(traces[1].done).toBe(false);
    expect(traces[1].running.map((b) => b.tokens)).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(state.step).toBe(3);
    expect(state.doneReason).toBe('no-better-possible');
    expect(best?.tokens).toEqual([0, 0, 2]);
    expect(best?.score).toBeCloseTo((Math.log(0.4) + Math.log(0.65) + Math.log(0.9)) / 3, 6);
    expect(state.finished.map((h) => h.tokens)).toEqual([[0, 0, 2], [2]]);
  });
});

describe('the state machine', () => {
  it('reports beamIndices that rebuild each new beam from its source, and never mutates a state', () => {
    const model = toyModel(11, 7);
    let state = initBeamSearch({ numBeams: 3, maxNewTokens: 6, eosTokenId: 0, promptIds: [4, 5] });
    while (!state.done) {
      const before: BeamSearchState = structuredClone(state);
      const logits = state.running.map((b) => model([4, 5, ...b.tokens]));
      const { state: next, trace } = beamSearchStep(state, logits);
      expect(state).toEqual(before);
      if (!next.done) {
        expect(next.running.length).toBe(3);
        next.running.forEach((beam, i) => {
          const source = state.running[trace.beamIndices[i]];
          expect(beam.tokens.slice(0, -1)).toEqual(source.tokens);
          const node = next.tree[beam.nodeId];
          expect(node.parentId).toBe(source.nodeId);
          expect(beam.cumulativeLogprob).toBeCloseTo(source.cumulativeLogprob + node.logprob, 9);
        });
        // Running beams are ranked by raw cumulative log-probability, best first.
        for (let i = 1; i < next.running.length; i++) {
          expect(next.running[i - 1].cumulativeLogprob).toBeGreaterThanOrEqual(next.running[i].cumulativeLogprob);
        }
      }
      state = next;
    }
  });

  it('validates its options and inputs', () => {
    expect(() => initBeamSearch({ numBeams: 0, maxNewTokens: 3 })).toThrow('numBeams must be an integer >= 1, got 0');
    expect(() => initBeamSearch({ numBeams: 2.5, maxNewTokens: 3 })).toThrow('numBeams must be an integer >= 1, got 2.5');
    expect(() => initBeamSearch({ numBeams: 2, maxNewTokens: 0 })).toThrow('maxNewTokens must be an integer >= 1, got 0');
    expect(() => initBeamSearch({ numBeams: 2, maxNewTokens: 3, lengthPenalty: Number.NaN })).toThrow(
      'lengthPenalty must be a finite number, got NaN',
    );
    expect(() => initBeamSearch({ numBeams: 2, maxNewTokens: 3, eosTokenId: -1 })).toThrow('eosTokenId must be an integer >= 0, got -1');
    expect(() => initBeamSearch({ numBeams: 2, maxNewTokens: 3, repetitionPenalty: 0 })).toThrow(
      'repetitionPenalty must be a number > 0, got 0',
    );
    const state = initBeamSearch({ numBeams: 2, maxNewTokens: 1, eosTokenId: 5 });
    const row = Float32Array.from([1, 2, 3]);
    expect(() => beamSearchStep(state, [row, row])).toThrow('logitsPerBeam must hold one row per running beam (1), got 2');
    expect(() => beamSearchStep(state, [row])).toThrow('eosTokenId must be a token id in [0, 2], got 5');
    expect(() => beamSearchStep(state, [Float32Array.from([1, Number.NaN, 0])])).toThrow(/NaN at index 1/);
    const done = beamSearchStep(initBeamSearch({ numBeams: 2, maxNewTokens: 1 }), [row]).state;
    expect(done.done).toBe(true);
    expect(() => beamSearchStep(done, [])).toThrow(/already done/);
  });

  it('bestHypothesis is null before the first step and the best running beam before anything finished', () => {
    const state = initBeamSearch({ numBeams: 2, maxNewTokens: 4 });
    expect(bestHypothesis(state)).toBeNull();
    const { state: next } = beamSearchStep(state, [Float32Array.from([0, 1, 0.5])]);
    expect(bestHypothesis(next)).toMatchObject({ tokens: [1], length: 1, finishReason: null });
  });

  it('applies no-repeat n-gram and repetition penalty to each beam', () => {
    const { state } = runBeamSearch(batched(toyModel(3, 6)), { numBeams: 3, maxNewTokens: 5, noRepeatNgramSize: 1, promptIds: [5] });
    for (const h of state.finished) {
      const seen = [5, ...h.tokens];
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it('ends with no-candidates when nothing but EOS can follow', () => {
    const onlyEos: Model = () => Float32Array.from([-Infinity, -Infinity, 0]);
    const { state, best } = runBeamSearch(batched(onlyEos), { numBeams: 2, eosTokenId: EOS, maxNewTokens: 5 });
    expect(state.doneReason).toBe('no-candidates');
    expect(best?.tokens).toEqual([EOS]);
    expect(best?.score).toBe(0);
  });
});

describe('properties', () => {
  it('beams = 1 reproduces greedy, with and without EOS and penalties', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.constantFrom(1, 1.5),
        fc.constantFrom(0, 2),
        fc.double({ min: -1, max: 3, noNaN: true }),
        (seed, vocab, maxNewTokens, withEos, repetitionPenalty, noRepeatNgramSize, lengthPenalty) => {
          const model = toyModel(seed, vocab);
          const options: BeamSearchOptions = {
            numBeams: 1,
            maxNewTokens,
            lengthPenalty,
            eosTokenId: withEos ? 0 : null,
            promptIds: [1 % vocab],
            repetitionPenalty,
            noRepeatNgramSize,
          };
          const { best } = runBeamSearch(batched(model), options);
          expect(best?.tokens).toEqual(greedyDecode(model, options));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('with B = V^(T-1) beams and no EOS it finds the exact best sequence of length T (brute force)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), (seed, vocab, length) => {
        const model = toyModel(seed, vocab);
        let bestScore = -Infinity;
        let bestTokens: number[] = [];
        const visit = (prefix: number[], score: number) => {
          if (prefix.length === length) {
            if (score > bestScore) [bestScore, bestTokens] = [score, prefix];
            return;
          }
          logSoftmax(model(prefix)).forEach((lp, token) => visit([...prefix, token], score + lp));
        };
        visit([], 0);
        const { best, state } = runBeamSearch(batched(model), { numBeams: vocab ** (length - 1), maxNewTokens: length, lengthPenalty: 0 });
        expect(state.doneReason).toBe('max-new-tokens');
        expect(best?.tokens).toEqual(bestTokens);
        expect(best?.score).toBeCloseTo(bestScore, 9);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('the tree is consistent, and the unpruned nodes are exactly the ancestors of the kept hypotheses', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), (seed, vocab, beams) => {
        const { state, traces } = runBeamSearch(batched(toyModel(seed, vocab)), { numBeams: beams, maxNewTokens: 6, eosTokenId: 0 });
        const tree = state.tree;
        tree.forEach((node, id) => {
          expect(node.id).toBe(id);
          if (node.parentId === null) return;
          const parent = tree[node.parentId];
          expect(node.step).toBe(parent.step + 1);
          expect(node.cumulativeLogprob).toBeCloseTo(parent.cumulativeLogprob + node.logprob, 9);
        });
        const alive = new Set<number>();
        for (const h of state.finished) {
          for (let id: number | null = h.nodeId; id !== null; id = tree[id].parentId) alive.add(id);
        }
        for (const node of tree) expect(node.pruned).toBe(!alive.has(node.id));
        expect(state.finished.length).toBeLessThanOrEqual(beams);
        for (let i = 1; i < state.finished.length; i++) {
          expect(state.finished[i - 1].score).toBeGreaterThanOrEqual(state.finished[i].score);
        }
        expect(JSON.parse(JSON.stringify(traces))).toStrictEqual(traces);
        expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
