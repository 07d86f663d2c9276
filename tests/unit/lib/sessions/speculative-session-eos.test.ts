import { describe, expect, it } from 'vitest';
import type { SpeculativeTrace } from '../../../../src/lib/decoding';
import { SamplingSession } from '../../../../src/lib/sessions/sampling-session';
import { SpeculativeSession } from '../../../../src/lib/sessions/speculative-session';
import { TableModel } from '../../support/table-model';

/**
 * A round that reaches end-of-sequence shows exactly what was emitted (issue: the trace used to
 * list accepted tokens and a bonus token after an accepted EOS that never reached the text).
 * Vocabulary 0..3, EOS = 3. Both models always go 0 -> 1 -> EOS -> 0, so every draft token is
 * accepted (p == q) and the draft proposes EOS as its second token.
 */
const EOS = 3;
const NEG = -Infinity;
function chain(ids: readonly number[]): number[] {
  const next = { 0: 1, 1: EOS, 2: 0, [EOS]: 0 }[ids[ids.length - 1]]!;
  return [0, 1, 2, 3].map((t) => (t === next ? 0 : NEG));
}

describe('speculative session at end-of-sequence (toy model pair)', () => {
  for (const temperature of [1, 0]) {
    it(`T = ${temperature}: the draft stops proposing at EOS and the round ends at the accepted EOS`, async () => {
      const draft = new TableModel('draft', 4, chain, EOS);
      const target = new TableModel('target', 4, chain, EOS);
      const session = new SpeculativeSession(draft, target, { promptIds: [0], gamma: 4, sampling: { temperature } });
      const step = await session.step();
      expect(step.kind).toBe('step');
      if (step.kind !== 'step') return;
      expect(step.tokens).toEqual([1, EOS]);
      const trace = step.trace;
      expect(trace.gamma).toBe(2); // proposals after EOS are never made
      expect(trace.tokens).toEqual([1, EOS]);
      expect(trace.accepted).toBe(2);
      expect(trace.steps.map((s) => [s.token, s.verdict])).toEqual([
        [1, 'accepted'],
        [EOS, 'accepted'],
      ]);
      expect(trace.final).toBeNull();
      if (trace.method === 'speculative') expect((trace as SpeculativeTrace).residual).toBeNull();
      expect(draft.calls).toEqual([1, 1]); // two draft steps, not four
      expect(target.calls).toEqual([3]); // one verification pass over the prompt and both drafts
      expect(session.ids).toEqual([0, 1, EOS]);
      const next = await session.step();
      expect(next.kind).toBe('stopped');
    });
  }

  it('with stopAtEos off, the round goes on past EOS and ends with a bonus token', async () => {
    const session = new SpeculativeSession(new TableModel('draft', 4, chain, EOS), new TableModel('target', 4, chain, EOS), {
      promptIds: [0],
      gamma: 4,
      sampling: { temperature: 1 },
      stopAtEos: false,
    });
    const step = await session.step();
    if (step.kind !== 'step') throw new Error('expected a step');
    expect(step.tokens).toEqual([1, EOS, 0, 1, EOS]);
    expect(step.trace.final?.kind).toBe('bonus');
  });
});

describe('speculative session with two end-of-sequence ids (toy model pair)', () => {
  // The same chain, ending on 2 this time: 0 -> 1 -> 2, where the models list 3 and 2 as EOS.
  const endsOnTwo = (ids: readonly number[]): number[] => {
    const next = { 0: 1, 1: 2, 2: 0, 3: 0 }[ids[ids.length - 1]]!;
    return [0, 1, 2, 3].map((t) => (t === next ? 0 : NEG));
  };
  for (const temperature of [1, 0]) {
    it(`T = ${temperature}: the second id ends the round and the text as the first would`, async () => {
      const draft = new TableModel('draft', 4, endsOnTwo, [EOS, 2]);
      const target = new TableModel('target', 4, endsOnTwo, [EOS, 2]);
      const session = new SpeculativeSession(draft, target, { promptIds: [0], gamma: 4, sampling: { temperature } });
      const step = await session.step();
      if (step.kind !== 'step') throw new Error('expected a step');
      expect(step.tokens).toEqual([1, 2]);
      expect(step.trace.gamma).toBe(2);
      expect(draft.calls).toEqual([1, 1]);
      expect((await session.step()).kind).toBe('stopped');
    });
  }
});

describe('sampling session with two end-of-sequence ids (toy model)', () => {
  it('greedy stops at the second id as at the first', async () => {
    const chainToTwo = (ids: readonly number[]): number[] => {
      const next = { 0: 1, 1: 2, 2: 0, 3: 0 }[ids[ids.length - 1]]!;
      return [0, 1, 2, 3].map((t) => (t === next ? 0 : NEG));
    };
    const session = new SamplingSession(new TableModel('toy', 4, chainToTwo, [EOS, 2]), { promptIds: [0], sampling: { temperature: 0 } });
    const run = await session.runTo(10);
    expect(session.ids).toEqual([0, 1, 2]);
    expect(run.stop?.reason).toBe('eos');
  });
});
