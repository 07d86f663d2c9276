import { describe, expect, it } from 'vitest';
import { SpeculativeSession } from '../../../../src/lib/sessions/speculative-session';
import { TableModel } from '../../support/table-model';

/**
 * The session writes each round's draft and target distributions into the previous round's
 * storage. A trace must not point into it: every step's trace stays as it was when the step
 * returned, after any number of later rounds. Toy pair over 6 tokens whose distributions differ,
 * so rounds accept, reject and sample residuals.
 */
const V = 6;
const target = (ids: readonly number[]) => Array.from({ length: V }, (_, t) => Math.sin(3 * t + ids.length) + (t === ids[ids.length - 1] ? -1 : 0));
const draft = (ids: readonly number[]) => Array.from({ length: V }, (_, t) => Math.cos(2 * t + ids.length));

describe('speculative session: distribution storage reused across rounds', () => {
  for (const temperature of [1, 0]) {
    it(`T = ${temperature}: earlier traces are unchanged by later rounds, and a replay gives the same rounds`, async () => {
      const run = async () => {
        const session = new SpeculativeSession(new TableModel('draft', V, draft), new TableModel('target', V, target), {
          promptIds: [0, 1],
          gamma: 3,
          sampling: { temperature },
          seed: 7,
          stopAtEos: false,
        });
        const steps = [];
        const asReturned: string[] = [];
        for (let i = 0; i < 8; i++) {
          const step = await session.step();
          if (step.kind !== 'step') break;
          steps.push(step);
          asReturned.push(JSON.stringify(step.trace));
        }
        return { steps, asReturned };
      };
      const first = await run();
      expect(first.steps).toHaveLength(8);
      expect(first.steps.map((s) => JSON.stringify(s.trace))).toEqual(first.asReturned);
      const again = await run();
      expect(again.asReturned).toEqual(first.asReturned);
      if (temperature === 1) expect(first.asReturned.some((t) => t.includes('"rejected"'))).toBe(true);
    });
  }
});
