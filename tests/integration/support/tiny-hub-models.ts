/**
 * The tiny Llama and Qwen2 graphs of the layer-lens fixtures (training/lens_fixtures.py), dressed
 * as Hub models: each form's graph with its architecture's config.json and generation_config.json
 * and a byte-level tokenizer over the 128 ASCII bytes (tests/fixtures/lens/hub/). The e2e
 * stand-in Hub serves them under the registry's Hub names; Node loads the same files from a model
 * folder, so the two runtimes can be compared step by step.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addLayerLens } from '../../../src/lib/runtime/model/lens/extend-lens';
import { MODEL_CONFIG_FILES } from '../../../src/lib/runtime/registry';
import { ROOT } from './lens-models';

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'lens');
const FOLDERS = join(ROOT, 'tests', '.cache', 'lens', 'tiny');

export const TINY_FORMS = {
  'llama-plain': 'llama',
  'llama-fused': 'llama',
  'qwen2-plain': 'qwen2',
  'qwen2-fused': 'qwen2',
  'qwen2-fused-q4head': 'qwen2',
} as const;
export type TinyForm = keyof typeof TINY_FORMS;

/** The local file that holds a form's config or tokenizer file (one of MODEL_CONFIG_FILES). */
export function tinyConfigFile(form: TinyForm, file: string): string {
  return file.startsWith('tokenizer') ? join(FIXTURES, 'hub', file) : join(FIXTURES, 'hub', TINY_FORMS[form], file);
}

/** A form's graph as a Hub export has it: logits and the KV cache, no layer_logits. */
export function tinyGraphFile(form: TinyForm): string {
  return join(FIXTURES, `${form}.onnx`);
}

/**
 * A model folder for loadBundledModel (name `form`, under the returned localModelPath) that holds
 * the form's graph with the layer lens added, as the browser's worker adds it to a Hub download.
 */
export function tinyLensedFolder(form: TinyForm): string {
  const folder = join(FOLDERS, form);
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  for (const file of MODEL_CONFIG_FILES) copyFileSync(tinyConfigFile(form, file), join(folder, file));
  writeFileSync(join(folder, 'onnx', 'model.onnx'), addLayerLens(readFileSync(tinyGraphFile(form))).bytes);
  return FOLDERS;
}
