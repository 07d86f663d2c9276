import { describe, expect, it } from 'vitest';
import { argmax, dolaCandidateLayers, softmax } from '../../src/lib/decoding';
import { DolaSession } from '../../src/lib/sessions/dola-session';
import { loadModel, maxAbsDiff, PROMPT_TEXT, recordingModel } from './support/bundled-models';

/**
 * DoLa on the expert's early-exit outputs: the final entry of layer_logits is the model's own
 * logits, so the session's mature layer is the model's next-token distribution; the candidate
 * layers come from the model's depth and tying; static and dynamic modes both step.
 */
describe('DoLa session with the expert', async () => {
  const { model, encode } = await loadModel('expert');
  const prompt = encode(PROMPT_TEXT);
  const N = model.info.numLayers;

  it('the final-layer entry of layer_logits equals the logits at every step the session took', async () => {
    const session = new DolaSession(model, { promptIds: prompt, layers: 'high', stopAtEos: false });
    const run = await session.runTo(5);
    expect(run.steps.length).toBe(5);
    for (const step of run.steps) {
      const before = session.ids.slice(0, prompt.length + step.index - 1);
      const out = await model.forward([before], null, { layerLogits: true });
      const logits = out.logits[0][before.length - 1];
      const layers = out.layerLogits?.[0];
      expect(layers?.length).toBe(N + 1);
      expect(maxAbsDiff(layers![N], logits)).toBeLessThanOrEqual(1e-5);
      // The trace's mature layer is that distribution: its greedy token and top probabilities.
      expect(step.trace.matureLayer).toBe(N);
      expect(step.trace.greedyToken).toBe(argmax(logits));
      const probs = softmax(logits);
      step.trace.topTokens.forEach((token, k) => expect(step.trace.layerProbs[N][k]).toBeCloseTo(probs[token], 5));
    }
  });

  it('uses the reference buckets for this model, static and dynamic', async () => {
    // 'high' is never empty; 'low' can be (tied embeddings with 3 layers), so it is not used here.
    const high = new DolaSession(model, { promptIds: prompt, layers: 'high' });
    expect(high.candidateLayers).toEqual(dolaCandidateLayers(N, 'high', model.info.tiedEmbeddings));
    const fixed = new DolaSession(model, { promptIds: prompt, layers: [0], divergence: 'jsd' });
    const outcome = await fixed.step();
    if (outcome.kind !== 'step') throw new Error(outcome.message);
    expect(outcome.trace.mode).toBe('static');
    expect(outcome.trace.prematureLayer).toBe(0);
    expect(() => new DolaSession(model, { promptIds: prompt, layers: [N] })).toThrow(/no layer below the final one/);
  });

  it('refuses a model exported without layer_logits, with a message', () => {
    const withoutLayers = { ...recordingModel(model), info: { ...model.info, hasLayerLogits: false } };
    expect(() => new DolaSession(withoutLayers, { promptIds: prompt, layers: 'high' })).toThrow(/without layer_logits/);
  });
});
