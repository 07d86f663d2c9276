import { describe, expect, it } from 'vitest';
import { logSoftmax } from '../../src/lib/decoding';
import { BeamSession } from '../../src/lib/sessions/beam-session';
import { loadModel, PROMPT_TEXT, recordingModel } from './support/bundled-models';

/**
 * Beam search's KV cache reorder: after several steps in which beams were dropped and duplicated,
 * every running beam's cumulative log-probability equals a recomputation of its whole sequence
 * without any cache. A wrong row in the reorder would score a beam with another beam's context.
 */
describe('beam search session with the expert', async () => {
  const loaded = await loadModel('expert');
  const prompt = loaded.encode(PROMPT_TEXT);

  it('reorders the cache per beam: beam scores equal a no-cache recompute', async () => {
    const model = recordingModel(loaded.model);
    const session = new BeamSession(model, { promptIds: prompt, numBeams: 4, maxNewTokens: 12, stopAtEos: false });
    const run = await session.runTo(8);
    expect(run.stop).toBeNull();
    // The reorder was exercised: some step did not keep the beams in place.
    const reordered = run.steps.slice(1).some((s) => s.trace.beamIndices.some((source, i) => source !== i));
    expect(reordered).toBe(true);
    // After the prompt, every call fed one token per beam through the cache.
    expect(model.calls.slice(1).every((c) => c.newTokens === 1 && c.batch === 4)).toBe(true);

    const running = session.search.running;
    expect(running.length).toBe(4);
    for (const beam of running) {
      const sequence = [...prompt, ...beam.tokens];
      const full = await loaded.model.forward([sequence.slice(0, -1)], null);
      let score = 0;
      beam.tokens.forEach((token, i) => {
        score += logSoftmax(full.logits[0][prompt.length - 1 + i])[token];
      });
      expect(Math.abs(score - beam.cumulativeLogprob)).toBeLessThanOrEqual(1e-3);
    }
  });
});
