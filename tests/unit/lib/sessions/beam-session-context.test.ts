import { describe, expect, it } from 'vitest';
import { BeamSession } from '../../../../src/lib/sessions/beam-session';
import { TableModel } from '../../support/table-model';

/**
 * Beam search that reaches the context limit finalises its running beams, as transformers does at
 * max_length (issue: they were never scored, so the best hypothesis reported could be a worse
 * finished one). Toy model: vocabulary {0, 1, EOS = 2}, p = (0.01, 0.9, 0.09) after any text, so
 * an early EOS hypothesis finishes with a poor score while the all-1 beam keeps a far better one.
 */
const EOS = 2;
const next = () => [Math.log(0.01), Math.log(0.9), Math.log(0.09)];

describe('beam session at the context limit (toy model)', () => {
  it('scores the running beams as finished hypotheses and reports the best of all', async () => {
    const contextLength = 4;
    const session = new BeamSession(new TableModel('toy', 3, next, EOS, contextLength), { promptIds: [0], numBeams: 2, maxNewTokens: 10 });
    const run = await session.runTo(10);
    expect(run.steps).toHaveLength(3); // prompt 1 + 3 generated = the context
    expect(run.stop?.reason).toBe('context-full');
    expect(run.stop?.message).toMatch(/running beams there were scored as finished hypotheses/);
    const best = session.search.finished[0];
    expect(best.tokens).toEqual([1, 1, 1]);
    expect(best.finishReason).toBe('length');
    expect(best.score).toBeCloseTo(Math.log(0.9), 6); // 3 log 0.9 / 3
    // The EOS hypotheses found on the way score worse and rank below it.
    expect(session.search.finished.slice(1).every((h) => h.finishReason === 'eos' && h.score < best.score)).toBe(true);
    expect(run.steps.at(-1)?.trace.done).toBe(true);
  });

  it('with two end-of-sequence ids, either one finishes a hypothesis', async () => {
    // p = (0.3, 0.25, 0.45): both end tokens rank within the beams at the first step.
    const bothEnds = () => [Math.log(0.3), Math.log(0.25), Math.log(0.45)];
    const session = new BeamSession(new TableModel('toy', 3, bothEnds, [EOS, 0], 64), { promptIds: [0], numBeams: 2, maxNewTokens: 3 });
    await session.runTo(10);
    const ended = session.search.finished.filter((h) => h.finishReason === 'eos').map((h) => h.tokens.at(-1));
    expect(ended).toContain(0);
    expect(ended).toContain(EOS);
    for (const h of session.search.finished) if (h.finishReason === 'eos') expect(h.tokens.slice(0, -1)).not.toContain(0);
  });

  it('a search that maxNewTokens bounds inside the context ends as before', async () => {
    const session = new BeamSession(new TableModel('toy', 3, next, EOS, 64), { promptIds: [0], numBeams: 2, maxNewTokens: 3 });
    const run = await session.runTo(10);
    expect(run.stop?.reason).toBe('search-done');
    expect(session.search.finished[0].tokens).toEqual([1, 1, 1]);
  });
});
