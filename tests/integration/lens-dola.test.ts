/**
 * DoLa through the real model path on a lens-extended graph: transformers.js loads the plain
 * expert (no layer_logits) with the lens added, TransformersCausalLM asks for the early exits
 * through output_layer_logits as it does for our own exports, and a DolaSession's steps equal
 * those on the bundled expert. Without the lens the same model is refused for DoLa.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundledModel } from '../../src/lib/runtime/model';
import { addLayerLens } from '../../src/lib/runtime/model/lens/extend-lens';
import { DolaSession } from '../../src/lib/sessions/dola-session';
import { loadModel, PROMPT_TEXT } from './support/bundled-models';
import { plainExpertPath, ROOT } from './support/lens-models';

const MODELS = join(ROOT, 'tests', '.cache', 'lens', 'models');
const STEPS = 8;

/** A model folder like public/models/expert, holding `onnx` as its graph. */
function modelFolder(name: string, onnx: Uint8Array): void {
  const source = join(ROOT, 'public', 'models', 'expert');
  mkdirSync(join(MODELS, name, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    copyFileSync(join(source, file), join(MODELS, name, file));
  }
  writeFileSync(join(MODELS, name, 'onnx', 'model.onnx'), onnx);
}

describe('DoLa on the plain expert with the layer lens', async () => {
  const plain = readFileSync(plainExpertPath());
  modelFolder('expert-plain', plain);
  modelFolder('expert-lensed', addLayerLens(plain).bytes);
  // One at a time: transformers.js reads its settings from one global env at each load.
  const bundled = await loadModel('expert');
  const bare = await loadBundledModel('expert-plain', { localModelPath: MODELS });
  const lensed = await loadBundledModel('expert-lensed', { localModelPath: MODELS });
  const prompt = bundled.encode(PROMPT_TEXT);

  it('the plain export offers no layer_logits and DoLa refuses it; with the lens it offers them', () => {
    expect(bare.model.info.hasLayerLogits).toBe(false);
    expect(() => new DolaSession(bare.model, { promptIds: prompt, layers: 'high' })).toThrow(/without layer_logits/);
    expect(lensed.model.info.hasLayerLogits).toBe(true);
    expect(lensed.model.info.numLayers).toBe(bundled.model.info.numLayers);
  });

  it.each(['high', 'low'] as const)('steps as on the bundled expert (%s bucket, dynamic)', async (layers) => {
    const options = { promptIds: prompt, layers, stopAtEos: false };
    const [mine, theirs] = [await new DolaSession(lensed.model, options).runTo(STEPS), await new DolaSession(bundled.model, options).runTo(STEPS)];
    expect(mine.steps).toHaveLength(STEPS);
    expect(mine.steps.map((s) => s.tokens)).toEqual(theirs.steps.map((s) => s.tokens));
    for (const [k, step] of mine.steps.entries()) {
      const other = theirs.steps[k].trace;
      expect(step.trace.candidateLayers).toEqual(other.candidateLayers);
      expect(step.trace.prematureLayer).toBe(other.prematureLayer);
      expect(step.trace.topTokens).toEqual(other.topTokens);
      step.trace.layerProbs.forEach((row, j) => row.forEach((p, i) => expect(p).toBeCloseTo(other.layerProbs[j][i], 5)));
    }
  });

  it('a step that does not ask for early exits gets none', async () => {
    const out = await lensed.model.forward([prompt], null);
    expect(out.layerLogits).toBeNull();
  });
});
