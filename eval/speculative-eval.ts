/**
 * Speculative sampling's exactness with the real draft (amateur) and target (expert): at a fixed
 * prefix, many independent rounds (a fresh seed each) each emit a first token that must be
 * distributed exactly as the target's p(· | prefix). Reported: TV distance between the empirical
 * and the target distribution, Pearson's chi-square with low-expected bins merged, and two
 * references at the same sample size: TV of direct draws from p (what exactness looks like with
 * this many samples) and the chi-square of direct draws from the draft q (what a wrong sampler
 * looks like, i.e. the test's power).
 */
import { finalDistribution, sampleIndex, SeededRandom, totalVariation } from '../src/lib/decoding';
import { SpeculativeSession } from '../src/lib/sessions';
import type { SpeculativeTrace } from '../src/lib/decoding';
import { MemoCausalLM } from './memo-model';
import type { Bundled } from './models';
import { chiSquareTest, empiricalTotalVariation } from '../src/lib/stats';

export interface SpeculativeRow {
  prefix: string;
  prefixTokens: number;
  gamma: number;
  temperature: number;
  rounds: number;
  /** TV(empirical first tokens, p). */
  tv: number;
  chiSquare: number;
  dof: number;
  pValue: number;
  /** TV of `rounds` direct draws from p against p: the sampling noise an exact sampler shows. */
  tvDirectTarget: number;
  /** Chi-square p-value of `rounds` direct draws from the draft q against p (should be tiny). */
  pValueDraftSamples: number;
  /** TV(p, q) at the prefix. */
  tvTargetDraft: number;
  /** Rounds whose first draft token was accepted, and the theory's 1 − TV(p, q). */
  firstAcceptRate: number;
  firstAcceptTheory: number;
  meanTokensPerRound: number;
  distinctTokens: number;
  seconds: number;
}

function countsOf(tokens: readonly number[], vocab: number): Float64Array {
  const counts = new Float64Array(vocab);
  for (const t of tokens) counts[t]++;
  return counts;
}

export async function speculativeExactness(
  models: Bundled,
  prefixText: string,
  rounds: number,
  gamma: number,
  seedBase: number,
): Promise<SpeculativeRow> {
  const start = performance.now();
  const promptIds = models.expert.encode(prefixText);
  const sampling = { temperature: 1 };
  const target = new MemoCausalLM(models.expert.model, { memoizeAll: false, anchor: promptIds });
  const draft = new MemoCausalLM(models.amateur.model, { memoizeAll: false, anchor: promptIds });
  const vocab = models.expert.model.info.vocabSize;

  // The reference distributions at the prefix, processed exactly as the session processes them.
  const pLogits = (await target.forward([promptIds], null)).logits[0];
  const qLogits = (await draft.forward([promptIds], null)).logits[0];
  const p = finalDistribution(pLogits[pLogits.length - 1], promptIds, sampling);
  const q = finalDistribution(qLogits[qLogits.length - 1], promptIds, sampling);

  const session = new SpeculativeSession(draft, target, { promptIds, gamma, sampling, stopAtEos: false, topN: 1 });
  const first: number[] = [];
  let accepted = 0;
  let emitted = 0;
  for (let r = 0; r < rounds; r++) {
    session.reset(seedBase + r);
    const outcome = await session.step();
    if (outcome.kind !== 'step') throw new Error(`speculative round stopped: ${outcome.message}`);
    first.push(outcome.tokens[0]);
    emitted += outcome.tokens.length;
    if ((outcome.trace as SpeculativeTrace).accepted >= 1) accepted++;
  }

  const counts = countsOf(first, vocab);
  const test = chiSquareTest(counts, p);
  const random = new SeededRandom(seedBase + 7_000_000);
  const direct = Array.from({ length: rounds }, () => sampleIndex(p, random.asFunction()));
  const fromDraft = Array.from({ length: rounds }, () => sampleIndex(q, random.asFunction()));
  const tvPQ = totalVariation(p, q);
  return {
    prefix: prefixText,
    prefixTokens: promptIds.length,
    gamma,
    temperature: sampling.temperature,
    rounds,
    tv: empiricalTotalVariation(counts, p),
    chiSquare: test.statistic,
    dof: test.dof,
    pValue: test.pValue,
    tvDirectTarget: empiricalTotalVariation(countsOf(direct, vocab), p),
    pValueDraftSamples: chiSquareTest(countsOf(fromDraft, vocab), p).pValue,
    tvTargetDraft: tvPQ,
    firstAcceptRate: accepted / rounds,
    firstAcceptTheory: 1 - tvPQ,
    meanTokensPerRound: emitted / rounds,
    distinctTokens: counts.filter((c) => c > 0).length,
    seconds: (performance.now() - start) / 1000,
  };
}
