import { describe, expect, it } from 'vitest';
import { softmax } from '../../src/lib/decoding';
import { ContrastiveSession } from '../../src/lib/sessions/contrastive-session';
import { SamplingSession } from '../../src/lib/sessions/sampling-session';
import { loadModel, PROMPT_TEXT, recordingModel } from './support/bundled-models';

/**
 * Contrastive decoding with expert and amateur (or the expert's early checkpoint): the amateur
 * reads what the chosen context says (the reference's "ignore prefix" view by default), and
 * obrien2023 with beta = 0 is the expert's greedy decoding.
 */
describe('contrastive session', async () => {
  const [amateur, expert, early] = await Promise.all([loadModel('amateur'), loadModel('expert'), loadModel('expert-early')]);
  const prompt = expert.encode(PROMPT_TEXT);

  it("'ignorePrefix' gives the amateur the last prompt token and the continuation", async () => {
    const amateurModel = recordingModel(amateur.model);
    const session = new ContrastiveSession(expert.model, amateurModel, {
      promptIds: prompt,
      contrastive: { variant: 'li2022' },
      stopAtEos: false,
    });
    const run = await session.runTo(4);
    expect(amateurModel.calls.map((c) => c.cachedBefore + c.newTokens)).toEqual([1, 2, 3, 4]);
    // The trace's amateur probabilities are the amateur's on exactly that context.
    const last = run.steps[3];
    const context = [prompt[prompt.length - 1], ...session.ids.slice(prompt.length, prompt.length + 3)];
    const out = await amateur.model.forward([context], null);
    const probs = softmax(out.logits[0][context.length - 1]);
    for (const entry of last.trace.amateurTop) expect(entry.prob).toBeCloseTo(probs[entry.token], 5);
  });

  it("'full' gives the amateur the whole text", async () => {
    const amateurModel = recordingModel(early.model);
    const session = new ContrastiveSession(expert.model, amateurModel, {
      promptIds: prompt,
      stopAtEos: false,
      contrastive: { variant: 'obrien2023' },
      amateurContext: 'full',
    });
    await session.runTo(3);
    expect(amateurModel.calls.map((c) => c.cachedBefore + c.newTokens)).toEqual([
      prompt.length,
      prompt.length + 1,
      prompt.length + 2,
    ]);
  });

  it('obrien2023 with beta = 0 equals expert greedy decoding', async () => {
    const greedy = new SamplingSession(expert.model, { promptIds: prompt, sampling: { temperature: 0 }, stopAtEos: false });
    await greedy.runTo(10);
    const session = new ContrastiveSession(expert.model, amateur.model, {
      promptIds: prompt,
      contrastive: { variant: 'obrien2023', beta: 0 },
      stopAtEos: false,
    });
    await session.runTo(10);
    expect(session.ids).toEqual(greedy.ids);
  });

  it('rejects bad options when the session is made, not at the first step', () => {
    expect(
      () =>
        new ContrastiveSession(expert.model, amateur.model, { promptIds: prompt, contrastive: { variant: 'li2022', alpha: 2 } }),
    ).toThrow(/alpha/);
  });
});
