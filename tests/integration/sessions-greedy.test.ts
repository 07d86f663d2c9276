import type { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { BeamSession } from '../../src/lib/sessions/beam-session';
import { SamplingSession } from '../../src/lib/sessions/sampling-session';
import { loadModel, PROMPT_TEXT } from './support/bundled-models';
import { acceptExportFlags, exportFlags } from './support/export-flags';

/**
 * The greedy session against transformers.js's own generate() on the same model and prompt, and
 * beam search with one beam against the greedy session.
 */
const NEW_TOKENS = 20;

describe('greedy decoding with the expert', async () => {
  const { model, tokenizer, pretrained, encode, decode } = await loadModel('expert');
  const prompt = encode(PROMPT_TEXT);

  async function greedySession(stopAtEos = true): Promise<number[]> {
    const session = new SamplingSession(model, { promptIds: prompt, sampling: { temperature: 0 }, decode, stopAtEos });
    const run = await session.runTo(NEW_TOKENS);
    expect(run.steps.every((s) => s.trace.method === 'greedy' && s.trace.draw === null)).toBe(true);
    return session.ids.slice(prompt.length);
  }

  it('equals transformers.js generate() with do_sample false, token for token', async () => {
    const inputs = tokenizer(PROMPT_TEXT);
    expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)).toEqual(prompt);
    acceptExportFlags(pretrained);
    const output = (await pretrained.generate({ ...inputs, ...exportFlags(false), max_new_tokens: NEW_TOKENS, do_sample: false })) as Tensor;
    const generated = Array.from(output.data as BigInt64Array, Number).slice(prompt.length);
    const ours = await greedySession();
    // generate() stops early only at EOS, and so does the session.
    expect(ours).toEqual(generated);
    expect(ours.length).toBeGreaterThan(0);
  });

  it('beam search with one beam equals greedy', async () => {
    // Without EOS: one beam treats an EOS candidate as a finished hypothesis, not as the end.
    const greedy = await greedySession(false);
    const beam = new BeamSession(model, { promptIds: prompt, numBeams: 1, maxNewTokens: NEW_TOKENS, stopAtEos: false });
    const run = await beam.runTo(NEW_TOKENS);
    expect(run.steps.length).toBe(greedy.length);
    const best = run.steps[run.steps.length - 1].trace.finished[0] ?? run.steps[run.steps.length - 1].trace.running[0];
    expect(best.tokens).toEqual(greedy);
  });
});
