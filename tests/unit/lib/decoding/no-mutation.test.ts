import { describe, expect, it } from 'vitest';
import * as api from '../../../../src/lib/decoding';

/**
 * "No input is ever modified" for the whole public API: every exported function (and every
 * processor class's `process` and `run`) is called on fresh inputs, and the inputs must equal a
 * snapshot taken before the call. The table must name every exported function, so a new export
 * cannot slip past.
 */

const row = (...values: number[]) => new Float32Array(values);
const logits = () => row(2, 1, 0.5, -Infinity, 0, 3);
const amateur = () => row(1, 2, 0, 0, 1, 3);
const probsRow = () => api.softmax(row(1, 2, 0.5, 0, -1, 1.5));
const otherProbs = () => api.softmax(row(0.5, 1, 2, 0.2, 0, 1));
const layers = () => [row(0, 1, 0, 2, 0.5, 0), row(1, 0, 2, 0, 1, 0.5), row(0.2, 1.5, 0.1, 0.7, 2, 0), logits()];
const draws = () => {
  let i = 0;
  const values = [0.3, 0.9, 0.1, 0.6, 0.5, 0.2];
  return () => values[i++ % values.length];
};
const oneBeamStep = () => api.beamSearchStep(api.initBeamSearch({ numBeams: 2, maxNewTokens: 3, eosTokenId: 4 }), [logits()]).state;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => unknown;
interface Call {
  /** Builds fresh inputs. */
  args: () => unknown[];
  /** Calls the function under test with them. */
  run: AnyFn;
}
const call = (args: () => unknown[], run: AnyFn): Call => ({ args, run });

const calls: Record<string, Call> = {
  argmax: call(() => [logits()], api.argmax),
  argsortDescending: call(() => [logits()], api.argsortDescending),
  entropy: call(() => [probsRow()], api.entropy),
  jsd: call(() => [probsRow(), otherProbs()], api.jsd),
  kl: call(() => [probsRow(), otherProbs()], api.kl),
  totalVariation: call(() => [probsRow(), otherProbs()], api.totalVariation),
  log: call(() => [probsRow()], api.log),
  logSoftmax: call(() => [logits()], api.logSoftmax),
  logSumExp: call(() => [logits()], api.logSumExp),
  normalize: call(() => [row(1, 2, 0, 3, 0, 4)], api.normalize),
  softmax: call(() => [logits()], api.softmax),
  topKIndices: call(() => [logits(), 3], api.topKIndices),
  createRandom: call(() => [7], api.createRandom),
  sampleIndex: call(() => [probsRow(), () => 0.4], api.sampleIndex),
  describeRange: call(() => [{ min: 0, max: 1 }], api.describeRange),
  requireInRange: call(() => ['x', 0.5, { min: 0, max: 1 }], api.requireInRange),
  requireTokenIds: call(() => ['ids', [1, 2], 6], api.requireTokenIds),
  scoreForTrace: call(() => [-0], api.scoreForTrace),
  tokenScores: call(() => [[0, 5], probsRow(), logits()], api.tokenScores),
  temperature: call(() => [logits(), 0.7], api.temperature),
  topK: call(() => [logits(), 2], api.topK),
  topP: call(() => [logits(), 0.5], api.topP),
  minP: call(() => [logits(), 0.2], api.minP),
  typical: call(() => [logits(), 0.5], api.typical),
  repetitionPenalty: call(() => [logits(), [0, 3, 5], 1.3], api.repetitionPenalty),
  noRepeatNgram: call(() => [logits(), [0, 1, 0], 2], api.noRepeatNgram),
  bannedNgramTokens: call(() => [[0, 1, 0], 2], api.bannedNgramTokens),
  resolveSamplingOptions: call(() => [{ temperature: 0.8, topK: 3 }], api.resolveSamplingOptions),
  isGreedy: call(() => [{ temperature: 0 }], api.isGreedy),
  buildProcessors: call(() => [{ topP: 0.9, repetitionPenalty: 1.1 }], api.buildProcessors),
  applyProcessors: call(
    () => [logits(), [0, 1], api.buildProcessors({ repetitionPenalty: 1.2, temperature: 0.8, topK: 4, topP: 0.9, minP: 0.05, typical: 0.95 })],
    api.applyProcessors,
  ),
  processLogits: call(() => [logits(), [0, 1], { topK: 3, noRepeatNgramSize: 2 }], api.processLogits),
  greedyStep: call(() => [logits(), [0, 5], { repetitionPenalty: 1.5 }], api.greedyStep),
  sampleStep: call(() => [logits(), [0, 5], { temperature: 0.9, topP: 0.8 }, draws()], api.sampleStep),
  finalDistribution: call(() => [logits(), [0, 5], { temperature: 0.9, topK: 3 }], api.finalDistribution),
  initBeamSearch: call(() => [{ numBeams: 2, maxNewTokens: 3, promptIds: [1] }], api.initBeamSearch),
  beamSearchStep: call(() => [oneBeamStep(), [logits(), amateur()]], api.beamSearchStep),
  bestHypothesis: call(() => [oneBeamStep()], api.bestHypothesis),
  lengthPenalizedScore: call(() => [-3, 2, 1], api.lengthPenalizedScore),
  runBeamSearch: call(() => [(prefixes: number[][]) => prefixes.map(() => logits()), { numBeams: 2, maxNewTokens: 3, promptIds: [2] }], api.runBeamSearch),
  contrastiveScores: call(() => [logits(), amateur(), { variant: 'li2022', amateurTemperature: 0.5 }], api.contrastiveScores),
  plausibleHead: call(() => [logits(), 0.1], api.plausibleHead),
  contrastiveStep: call(() => [logits(), amateur(), { variant: 'obrien2023', beta: 0.7 }], api.contrastiveStep),
  amateurContextIds: call(() => [[1, 2, 3], [4, 5]], api.amateurContextIds),
  dolaCandidateLayers: call(() => [3, [2, 0, 1], false], api.dolaCandidateLayers),
  dolaScores: call(() => [layers(), { candidateLayers: [2, 0, 1], divergence: 'reference' }], api.dolaScores),
  dolaStep: call(() => [layers(), { candidateLayers: [2, 0], contextIds: [5, 0], repetitionPenalty: 1.2 }], api.dolaStep),
  layerDivergence: call(() => [logits(), amateur()], api.layerDivergence),
  speculativeVerify: call(() => [[1, 2], [otherProbs(), otherProbs()], [probsRow(), probsRow(), probsRow()], draws()], api.speculativeVerify),
  speculativeRound: call(() => [[1, 2], [otherProbs(), otherProbs()], [probsRow(), probsRow(), probsRow()], draws()], api.speculativeRound),
  speculativeVerifyGreedy: call(() => [[1, 2], [probsRow(), probsRow(), probsRow()]], api.speculativeVerifyGreedy),
  speculativeRoundGreedy: call(() => [[1, 2], [probsRow(), probsRow(), probsRow()]], api.speculativeRoundGreedy),
  residualDistribution: call(() => [probsRow(), otherProbs()], api.residualDistribution),
  acceptanceRate: call(() => [probsRow(), otherProbs()], api.acceptanceRate),
  expectedTokensPerRound: call(() => [0.8, 4], api.expectedTokensPerRound),
  expectedSpeedup: call(() => [0.8, 4, 0.1], api.expectedSpeedup),
  estimateAlpha: call(() => [3, 4], api.estimateAlpha),
};

const processorClasses: Record<string, () => api.LogitsProcessor> = {
  TemperatureProcessor: () => new api.TemperatureProcessor(0.5),
  TopKProcessor: () => new api.TopKProcessor(2),
  TopPProcessor: () => new api.TopPProcessor(0.6),
  MinPProcessor: () => new api.MinPProcessor(0.3),
  TypicalProcessor: () => new api.TypicalProcessor(0.7),
  RepetitionPenaltyProcessor: () => new api.RepetitionPenaltyProcessor(1.4),
  NoRepeatNgramProcessor: () => new api.NoRepeatNgramProcessor(2),
};

/** A deep copy in plain values: typed arrays become arrays, so -Infinity and float32 values compare exactly. */
function snapshot(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as Float32Array);
  if (Array.isArray(value)) return value.map(snapshot);
  if (typeof value === 'function') return value;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  return value;
}

describe('no exported function modifies its inputs', () => {
  const exportedFunctions = Object.entries(api)
    .filter(([name, v]) => typeof v === 'function' && !(name in processorClasses) && name !== 'SeededRandom')
    .map(([name]) => name);

  it('the table covers every exported function and processor class', () => {
    expect(exportedFunctions.filter((name) => !(name in calls))).toEqual([]);
    expect(Object.keys(calls).filter((name) => !exportedFunctions.includes(name))).toEqual([]);
    const classes = Object.entries(api).filter(([name, v]) => typeof v === 'function' && /Processor$/.test(name));
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(processorClasses).sort());
  });

  for (const [name, { args, run }] of Object.entries(calls)) {
    it(name, () => {
      const inputs = args();
      const before = snapshot(inputs);
      run(...inputs);
      expect(snapshot(inputs)).toEqual(before);
    });
  }

  for (const [name, make] of Object.entries(processorClasses)) {
    it(`${name}.process and .run`, () => {
      const processor = make();
      const input = logits();
      const context = [0, 1, 0, 5];
      processor.process(context, input);
      processor.run(context, input);
      expect(Array.from(input)).toEqual(Array.from(logits()));
      expect(context).toEqual([0, 1, 0, 5]);
    });
  }

  it('SeededRandom does not keep a reference to the state it was given', () => {
    const state: api.RandomState = [1, 2, 3, 4];
    const rng = new api.SeededRandom(state);
    rng.next();
    rng.setState(state);
    rng.next();
    expect(state).toEqual([1, 2, 3, 4]);
  });
});
