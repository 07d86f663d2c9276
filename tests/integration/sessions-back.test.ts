import { describe, expect, it } from 'vitest';
import { BeamSession } from '../../src/lib/sessions/beam-session';
import { ContrastiveSession } from '../../src/lib/sessions/contrastive-session';
import { DolaSession } from '../../src/lib/sessions/dola-session';
import { SamplingSession } from '../../src/lib/sessions/sampling-session';
import type { CausalLM } from '../../src/lib/sessions/model';
import type { SessionStep, SteppingSession } from '../../src/lib/sessions/session';
import { SpeculativeSession } from '../../src/lib/sessions/speculative-session';
import { loadModel, PROMPT_TEXT } from './support/bundled-models';

/**
 * back() undoes a step exactly: tokens, KV caches and random state. Stepping again after going
 * back reproduces the same steps (tokens, text and the whole trace) at a fixed seed, for every
 * session; reset() replays the run from the start.
 */
type AnySession = SteppingSession<unknown, unknown>;

/** What must replay exactly: everything but the wall times. */
function replayable(step: SessionStep<unknown>): unknown {
  return { index: step.index, tokens: step.tokens, text: step.text, trace: step.trace };
}

async function steps(session: AnySession, count: number): Promise<SessionStep<unknown>[]> {
  const out: SessionStep<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const outcome = await session.step();
    if (outcome.kind !== 'step') throw new Error(outcome.message);
    out.push(outcome);
  }
  return out;
}

describe('back() then step() reproduces each session exactly', async () => {
  const [amateur, expert] = await Promise.all([loadModel('amateur'), loadModel('expert')]);
  const prompt = expert.encode(PROMPT_TEXT);
  const decode = expert.decode;

  const sessions: Record<string, () => AnySession> = {
    'sampling with every processor': () =>
      new SamplingSession(expert.model, {
        promptIds: prompt,
        stopAtEos: false,
        seed: 7,
        decode,
        sampling: {
          temperature: 0.8,
          topK: 50,
          topP: 0.95,
          minP: 0.01,
          typical: 0.99,
          repetitionPenalty: 1.2,
          noRepeatNgramSize: 3,
        },
      }),
    'beam search': () =>
      new BeamSession(expert.model, { promptIds: prompt, stopAtEos: false, numBeams: 3, maxNewTokens: 10, decode }),
    'contrastive (li2022, ignorePrefix)': () =>
      new ContrastiveSession(expert.model, amateur.model, {
        promptIds: prompt,
        stopAtEos: false,
        contrastive: { variant: 'li2022', amateurTemperature: 0.5 },
        decode,
      }),
    'contrastive (obrien2023, full)': () =>
      new ContrastiveSession(expert.model, amateur.model, {
        promptIds: prompt,
        stopAtEos: false,
        contrastive: { variant: 'obrien2023', beta: 0.5 },
        amateurContext: 'full',
        decode,
      }),
    'DoLa (dynamic, reference divergence, repetition penalty)': () =>
      new DolaSession(expert.model, {
        promptIds: prompt,
        stopAtEos: false,
        layers: 'high',
        divergence: 'reference',
        repetitionPenalty: 1.2,
        decode,
      }),
    'speculative sampling': () =>
      new SpeculativeSession(amateur.model, expert.model, {
        promptIds: prompt,
        stopAtEos: false,
        gamma: 3,
        seed: 11,
        sampling: { temperature: 1, topP: 0.9 },
        decode,
      }),
    'speculative sampling, target as its own draft (all accepted)': () =>
      new SpeculativeSession(expert.model, expert.model, {
        promptIds: prompt,
        stopAtEos: false,
        gamma: 2,
        seed: 5,
        sampling: { temperature: 0.7 },
        decode,
      }),
    'speculative greedy': () =>
      new SpeculativeSession(amateur.model, expert.model, {
        promptIds: prompt,
        stopAtEos: false,
        gamma: 3,
        sampling: { temperature: 0 },
        decode,
      }),
  };

  for (const [name, create] of Object.entries(sessions)) {
    it(name, async () => {
      const session = create();
      const first = await steps(session, 5);
      const idsAfter = JSON.stringify((session as unknown as { ids?: readonly number[] }).ids ?? null);

      // Three steps back, then forward again: the same three steps.
      for (let i = 0; i < 3; i++) expect(session.back()).toBe(true);
      expect(session.stepCount).toBe(2);
      const again = await steps(session, 3);
      expect(again.map(replayable)).toEqual(first.slice(2).map(replayable));
      expect(JSON.stringify((session as unknown as { ids?: readonly number[] }).ids ?? null)).toBe(idsAfter);

      // Every trace is JSON-clean.
      for (const step of first) expect(JSON.parse(JSON.stringify(step.trace))).toEqual(step.trace);

      // reset() replays the whole run; going back past the first step is refused.
      session.reset();
      const replay = await steps(session, 5);
      expect(replay.map(replayable)).toEqual(first.map(replayable));
      while (session.back());
      expect(session.stepCount).toBe(0);
      expect(session.back()).toBe(false);
      expect(session.generatedCount).toBe(0);
    });
  }

  it('a failed model call leaves the session as it was', async () => {
    let failNext = false;
    const flaky: CausalLM = {
      info: expert.model.info,
      forward: (ids, cache, options) => (failNext ? Promise.reject(new Error('simulated failure')) : expert.model.forward(ids, cache, options)),
      cropCache: (cache, length) => expert.model.cropCache(cache, length),
      selectCacheRows: (cache, rows) => expert.model.selectCacheRows(cache, rows),
      disposeCache: (cache) => expert.model.disposeCache(cache),
    };
    const options = { promptIds: prompt, seed: 3, stopAtEos: false, sampling: { temperature: 1 } };
    const reference = await steps(new SamplingSession(expert.model, options), 3);
    const session = new SamplingSession(flaky, options);
    await steps(session, 2);
    failNext = true;
    await expect(session.step()).rejects.toThrow(/simulated failure/);
    failNext = false;
    expect(session.stepCount).toBe(2);
    const [third] = await steps(session, 1);
    expect(replayable(third)).toEqual(replayable(reference[2]));
  });
});
