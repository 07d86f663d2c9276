/**
 * How much diversity can contrastive decoding (li2022) get out of the bundled expert with a given
 * amateur? Runs the evaluation's own CD generations (eval/text-eval.ts) on the held-out openings
 * with the bundled amateur, another exported amateur, or either wrapped in the copy oracle
 * (eval/copy-oracle-model.ts), and prints token diversity and the expert's perplexity of the text.
 *
 *   npx tsx eval/cd-amateur-probe.ts [--amateur MODELS_DIR] [--oracle 0.5] [--prompts 60] [--alpha 0.1] [--tau 0.5]
 *
 * MODELS_DIR holds an `amateur/` folder as training/export_onnx.py writes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBundledModel } from '../src/lib/runtime/model';
import { CopyOracleModel } from './copy-oracle-model';
import { loadBundled } from './models';
import { CHAPTER_CD, generateSample, li2022 } from './text-eval';
import { mean, perplexity } from './text-metrics';

const { values } = parseArgs({
  options: {
    amateur: { type: 'string' },
    oracle: { type: 'string' },
    prompts: { type: 'string', default: '60' },
    tokens: { type: 'string', default: '128' },
    alpha: { type: 'string', default: String(CHAPTER_CD.alpha) },
    tau: { type: 'string', default: String(CHAPTER_CD.tau) },
  },
});

const models = await loadBundled();
if (values.amateur) models.amateur = await loadBundledModel('amateur', { localModelPath: values.amateur });
if (values.oracle) models.amateur = { ...models.amateur, model: new CopyOracleModel(models.amateur.model, Number(values.oracle)) };

const openings: { prompt: string }[] = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'tests/fixtures/heldout-text-prompts.json'), 'utf8')).prompts;
const config = li2022(Number(values.alpha), false, Number(values.tau));
const samples = [];
for (const [i, { prompt }] of openings.slice(0, Number(values.prompts)).entries()) {
  samples.push((await generateSample(config, models, models.expert.encode(prompt), i, Number(values.tokens))).sample);
}
const nll = samples.reduce((a, s) => a + s.nll, 0);
const tokens = samples.reduce((a, s) => a + s.tokens, 0);
console.log(
  `${config.key}, amateur ${values.amateur ?? 'bundled'}${values.oracle ? ` + copy oracle ${values.oracle}` : ''}, ${samples.length} openings: ` +
    `diversity ${mean(samples.map((s) => s.diversity)).toFixed(3)}, expert perplexity ${perplexity(nll, tokens).toFixed(2)}`,
);
console.log(JSON.stringify(samples[0].text.slice(0, 300)));
