import { describe, expect, it } from 'vitest';
import { finalDistribution, totalVariation, type SamplingOptions } from '../../src/lib/decoding';
import { SamplingSession } from '../../src/lib/sessions/sampling-session';
import { SpeculativeSession } from '../../src/lib/sessions/speculative-session';
import { chiSquareGoodnessOfFit } from '../../src/lib/stats';
import { loadModel, PROMPT_TEXT, recordingModel } from './support/bundled-models';

/**
 * Speculative sampling with the real draft (amateur) and target (expert): the greedy variant
 * reproduces target greedy decoding exactly, the target verifies each round in one call, and the
 * first token of a sampled round is distributed as the target's own distribution (chi-square).
 */
describe('speculative session, draft = amateur, target = expert', async () => {
  const [draft, target] = await Promise.all([loadModel('amateur'), loadModel('expert')]);
  const prompt = target.encode(PROMPT_TEXT);

  it('greedy speculative decoding equals target greedy decoding token for token', async () => {
    const tokens = 40;
    const greedy = new SamplingSession(target.model, { promptIds: prompt, sampling: { temperature: 0 }, stopAtEos: false });
    await greedy.runTo(tokens);
    const targetModel = recordingModel(target.model);
    const gamma = 4;
    const speculative = new SpeculativeSession(draft.model, targetModel, {
      promptIds: prompt,
      gamma,
      sampling: { temperature: 0 },
      stopAtEos: false,
    });
    const run = await speculative.runTo(tokens);
    expect(run.stop).toBeNull();
    expect(speculative.ids.slice(0, prompt.length + tokens)).toEqual(greedy.ids);
    // One target call per round; after the first (the prompt), it reads the last accepted token and gamma drafts.
    expect(targetModel.calls.length).toBe(run.steps.length);
    expect(targetModel.calls.slice(1).every((c) => c.newTokens === gamma + 1 && c.batch === 1)).toBe(true);
    const accepted = run.steps.reduce((sum, s) => sum + s.trace.accepted, 0);
    console.info(
      `greedy speculative: ${run.steps.length} rounds, mean accepted ${(accepted / run.steps.length).toFixed(2)} of ${gamma}`,
    );
  });

  it('with the target as its own draft every token is accepted and the output is still target greedy', async () => {
    // Exercises what an unrelated draft rarely reaches: full acceptance, the bonus token, and a
    // draft cache one token behind after the crop.
    const greedy = new SamplingSession(target.model, { promptIds: prompt, sampling: { temperature: 0 }, stopAtEos: false });
    await greedy.runTo(30);
    const gamma = 4;
    const session = new SpeculativeSession(target.model, target.model, {
      promptIds: prompt,
      gamma,
      sampling: { temperature: 0 },
      stopAtEos: false,
    });
    const run = await session.runTo(30);
    expect(session.ids.slice(0, prompt.length + 30)).toEqual(greedy.ids);
    expect(run.steps.every((s) => s.trace.accepted === gamma && s.tokens.length === gamma + 1)).toBe(true);
  });

  it('the first sampled token follows the target distribution (chi-square, fixed seeds)', async () => {
    // Top-k keeps the cells few enough to fill; a warm temperature keeps them from being too peaked.
    const sampling: SamplingOptions = { temperature: 1.5, topK: 24 };
    // The first token depends only on x_1 and its verification; gamma 2 keeps the rounds cheap.
    const gamma = 2;
    const rounds = 400;
    const context = (await target.model.forward([prompt], null)).logits[0];
    const p = finalDistribution(context[context.length - 1], prompt, sampling);
    const draftLogits = (await draft.model.forward([prompt], null)).logits[0];
    const q = finalDistribution(draftLogits[draftLogits.length - 1], prompt, sampling);

    const session = new SpeculativeSession(draft.model, target.model, { promptIds: prompt, gamma, sampling, stopAtEos: false });
    const counts = new Map<number, number>();
    let draftMs = 0;
    let targetMs = 0;
    let rejected = 0;
    const start = performance.now();
    for (let round = 0; round < rounds; round++) {
      session.reset(1000 + round);
      const outcome = await session.step();
      if (outcome.kind !== 'step') throw new Error(outcome.message);
      const first = outcome.tokens[0];
      counts.set(first, (counts.get(first) ?? 0) + 1);
      draftMs += outcome.timing.draft;
      targetMs += outcome.timing.target;
      if (outcome.trace.accepted === 0) rejected++;
    }
    const elapsed = performance.now() - start;

    // Nothing outside the target's support, then cells with expected count < 5 pooled into one.
    for (const token of counts.keys()) expect(p[token], `token ${token}`).toBeGreaterThan(0);
    const support = [...p.keys()].filter((t) => p[t] > 0);
    const big = support.filter((t) => p[t] * rounds >= 5);
    const small = support.filter((t) => p[t] * rounds < 5);
    const observed = big.map((t) => counts.get(t) ?? 0);
    const expectedProbs = big.map((t) => p[t]);
    if (small.length > 0) {
      observed.push(small.reduce((s, t) => s + (counts.get(t) ?? 0), 0));
      expectedProbs.push(small.reduce((s, t) => s + p[t], 0));
    }
    const fit = chiSquareGoodnessOfFit(observed, expectedProbs);
    console.info(
      `speculative first token: ${rounds} rounds in ${elapsed.toFixed(0)} ms, chi-square ${fit.statistic.toFixed(1)} ` +
        `on ${fit.dof} dof, p-value ${fit.pValue.toFixed(3)}; first draft token rejected in ${rejected} rounds; ` +
        `TV(p, q) at the prefix ${totalVariation(p, q).toFixed(3)}; per round draft ${(draftMs / rounds).toFixed(2)} ms, ` +
        `target ${(targetMs / rounds).toFixed(2)} ms`,
    );
    expect(fit.dof).toBeGreaterThanOrEqual(3);
    expect(fit.pValue).toBeGreaterThan(0.001);
  });
});
