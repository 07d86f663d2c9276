import { describe, expect, it } from 'vitest';
import { BeamSession } from '../../src/lib/sessions/beam-session';
import { ContrastiveSession } from '../../src/lib/sessions/contrastive-session';
import { DolaSession } from '../../src/lib/sessions/dola-session';
import { SamplingSession } from '../../src/lib/sessions/sampling-session';
import type { SteppingSession } from '../../src/lib/sessions/session';
import { SpeculativeSession } from '../../src/lib/sessions/speculative-session';
import { ENDS_SOON_PROMPT_TEXT, loadModel } from './support/bundled-models';

/**
 * A session knows, right after the step that ended its text, that it cannot step again: its
 * nextStop is the very stop the next step answers, and null whenever that step would go on. A
 * widget uses it to show "the model ended the text" with the step that did it, not a click later.
 */
describe('sessions say when the step just taken ended the text', async () => {
  const [amateur, expert] = await Promise.all([loadModel('amateur'), loadModel('expert')]);
  const prompt = expert.encode(ENDS_SOON_PROMPT_TEXT);
  const [eos] = expert.model.info.eosTokenIds;

  const sessions: Record<string, { make: () => SteppingSession<unknown, unknown>; reason: string }> = {
    'greedy sampling': {
      make: () => new SamplingSession(expert.model, { promptIds: prompt, sampling: { temperature: 0 } }),
      reason: 'eos',
    },
    'DoLa (dynamic, high bucket)': {
      make: () => new DolaSession(expert.model, { promptIds: prompt, layers: 'high', relativeTop: 1 }),
      reason: 'eos',
    },
    'speculative greedy': {
      make: () => new SpeculativeSession(amateur.model, expert.model, { promptIds: prompt, gamma: 4, sampling: { temperature: 0 } }),
      reason: 'eos',
    },
    'beam search (its last step ends the search)': {
      make: () => new BeamSession(expert.model, { promptIds: prompt, numBeams: 2, maxNewTokens: 4, stopAtEos: false }),
      reason: 'search-done',
    },
    'contrastive (li2022), amateur context full, near the context limit': {
      make: () =>
        new ContrastiveSession(expert.model, amateur.model, {
          promptIds: Array.from({ length: expert.model.info.contextLength - 3 }, (_, i) => prompt[i % prompt.length]),
          contrastive: { variant: 'li2022' },
          amateurContext: 'full',
          stopAtEos: false,
        }),
      reason: 'context-full',
    },
  };

  for (const [name, { make, reason }] of Object.entries(sessions)) {
    it(name, async () => {
      const session = make();
      expect(session.nextStop).toBeNull();
      let taken = 0;
      let lastTokens: number[] = [];
      for (; taken < 40; taken++) {
        const ahead = session.nextStop;
        const outcome = await session.step();
        if (ahead) {
          // The stop was known before the step was asked for, and the step changed nothing.
          expect(outcome).toEqual(ahead);
          expect(session.stepCount).toBe(taken);
          break;
        }
        expect(outcome.kind, `step ${taken + 1} was not announced as a stop`).toBe('step');
        if (outcome.kind === 'step') lastTokens = outcome.tokens;
      }
      expect(taken, 'the session reached its stop within 40 steps').toBeLessThan(40);
      const stop = session.nextStop!;
      expect(stop.reason).toBe(reason);
      if (reason === 'eos') expect(lastTokens.at(-1)).toBe(eos);
      // Back undoes the step that ended the text: the session can step again.
      expect(session.back()).toBe(true);
      expect(session.nextStop).toBeNull();
      expect((await session.step()).kind).toBe('step');
      expect(session.nextStop).toEqual(stop);
    });
  }
});
