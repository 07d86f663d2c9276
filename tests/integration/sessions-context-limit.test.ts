import { describe, expect, it } from 'vitest';
import { BeamSession } from '../../src/lib/sessions/beam-session';
import { ContrastiveSession } from '../../src/lib/sessions/contrastive-session';
import { DolaSession } from '../../src/lib/sessions/dola-session';
import type { CausalLM } from '../../src/lib/sessions/model';
import { SamplingSession } from '../../src/lib/sessions/sampling-session';
import type { SteppingSession } from '../../src/lib/sessions/session';
import { SpeculativeSession } from '../../src/lib/sessions/speculative-session';
import { loadModel, recordingModel } from './support/bundled-models';

/**
 * Every session stops cleanly at the model's context length: a 'context-full' stop with a message
 * saying so and what to do, the text exactly as long as the context, and no forward call that
 * reads a position past n_positions. A prompt that leaves no room is refused up front.
 */
describe('sessions at the context limit', async () => {
  const [amateur, expert] = await Promise.all([loadModel('amateur'), loadModel('expert')]);
  const limit = expert.model.info.contextLength;
  const room = 3;
  // Any ids will do: the point is the length.
  const longPrompt = Array.from({ length: limit - room }, (_, i) => (i * 37 + 11) % expert.model.info.vocabSize);

  type Make = (expertModel: CausalLM, amateurModel: CausalLM, prompt: number[]) => SteppingSession<unknown, unknown>;
  const makers: Record<string, Make> = {
    sampling: (e, _a, promptIds) => new SamplingSession(e, { promptIds, seed: 1, stopAtEos: false }),
    beam: (e, _a, promptIds) => new BeamSession(e, { promptIds, numBeams: 2, maxNewTokens: 10, stopAtEos: false }),
    contrastive: (e, a, promptIds) =>
      new ContrastiveSession(e, a, { promptIds, contrastive: { variant: 'li2022' }, amateurContext: 'full', stopAtEos: false }),
    dola: (e, _a, promptIds) => new DolaSession(e, { promptIds, layers: 'high', stopAtEos: false }),
    speculative: (e, a, promptIds) => new SpeculativeSession(a, e, { promptIds, gamma: 4, seed: 3, stopAtEos: false }),
  };

  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: stops with a context-full message and never reads past n_positions`, async () => {
      const e = recordingModel(expert.model);
      const a = recordingModel(amateur.model);
      const session = make(e, a, longPrompt);
      const run = await session.runTo(10);
      expect(run.stop?.reason).toBe('context-full');
      expect(run.stop?.message).toMatch(/context is full/i);
      expect(run.stop?.message).toMatch(/reset/i);
      expect(session.generatedCount).toBe(room);
      expect(e.furthest()).toBeLessThanOrEqual(limit);
      expect(a.furthest()).toBeLessThanOrEqual(amateur.model.info.contextLength);
      // Stopping changed nothing: the next step says the same, and back() still works.
      const again = await session.step();
      expect(again.kind).toBe('stopped');
      expect(session.back()).toBe(true);
      expect(session.generatedCount).toBeLessThan(room);
    });
  }

  it('a prompt that fills the context is refused with a message', () => {
    const full = [...longPrompt, 1, 2, 3];
    expect(() => new SamplingSession(expert.model, { promptIds: full })).toThrow(/shorten the prompt/);
  });
});
