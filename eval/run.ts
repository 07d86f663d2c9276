/**
 * `npm run eval`: the evaluation of the decoding methods with the bundled models, in Node.
 * Writes eval/results.json (flat arrays of records, for charts) and eval/results.md (tables and
 * notes). Fixed seeds: apart from timings, two runs write the same numbers.
 *
 * Sizes can be reduced for a quick look (EVAL_QUICK=1) or set one by one:
 *   EVAL_TEXT_PROMPTS (60), EVAL_NEW_TOKENS (128), EVAL_SWEEP_PROMPTS (12),
 *   EVAL_FACTUAL_PROMPTS (988 = all), EVAL_SPEC_ROUNDS (rounds per prefix, 1500).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { candidateLayersOf, dolaConfigs, flattenDola, judgePrompt, summarizeDola, DOLA_PENALTY, type DolaOutcome, type FactualPrompt } from './dola-eval';
import { MemoCausalLM } from './memo-model';
import { loadBundled } from './models';
import { renderMarkdown } from './report';
import { speculativeExactness } from './speculative-eval';
import { CHAPTER_CD, generateSample, li2022, MAIN_CONFIGS, obrien2023, summarize, SWEEP_ALPHAS, SWEEP_BETAS, SWEEP_TAUS, type TextConfig, type TextSample } from './text-eval';

const ROOT = join(import.meta.dirname, '..');
const quick = process.env.EVAL_QUICK === '1';
function size(name: string, full: number, small: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number >= 1, got ${raw}`);
    return value;
  }
  return quick ? small : full;
}

const textPrompts: { source: string; doc_id: string; prompt: string }[] = JSON.parse(
  readFileSync(join(ROOT, 'tests/fixtures/heldout-text-prompts.json'), 'utf8'),
).prompts;
const factualFixture = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/factual-prompts.json'), 'utf8'));
const factualPrompts: FactualPrompt[] = factualFixture.prompts;
/** The relations the first family was evaluated on (988 prompts); the others came later. */
const originalRelations = new Set<string>(factualFixture.original_relations ?? []);

const TEXT_PROMPTS = Math.min(size('EVAL_TEXT_PROMPTS', 60, 3), textPrompts.length);
const NEW_TOKENS = size('EVAL_NEW_TOKENS', 128, 16);
const SWEEP_PROMPTS = Math.min(size('EVAL_SWEEP_PROMPTS', 12, 2), TEXT_PROMPTS);
const FACTUAL_PROMPTS = Math.min(size('EVAL_FACTUAL_PROMPTS', factualPrompts.length, 16), factualPrompts.length);
const SPEC_ROUNDS = size('EVAL_SPEC_ROUNDS', 1500, 200);
const SPEC_GAMMA = 4;

/** Factual prompts of evenly spaced subjects (every relation of each), so a subset stays balanced. */
function factualSubset(count: number): number[] {
  if (count >= factualPrompts.length) return factualPrompts.map((_, i) => i);
  const countries = [...new Set(factualPrompts.map((p) => p.country))];
  const wanted = Math.ceil(count / 4);
  const chosen = new Set(Array.from({ length: wanted }, (_, i) => countries[Math.floor((i * countries.length) / wanted)]));
  return factualPrompts.flatMap((p, i) => (chosen.has(p.country) ? [i] : [])).slice(0, count);
}

function log(message: string): void {
  process.stderr.write(`[eval ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
}

const started = performance.now();
const models = await loadBundled();
log('models loaded');
const sectionSeconds: Record<string, number> = {};

// 1. Open-ended generation.
let t = performance.now();
const samples: TextSample[] = [];
const exampleContinuations: { config: string; promptIndex: number; prompt: string; continuation: string }[] = [];
const promptIds = textPrompts.slice(0, TEXT_PROMPTS).map((p) => models.expert.encode(p.prompt));
const sweepConfigs = [
  ...SWEEP_ALPHAS.map((a) => li2022(a, true)),
  ...SWEEP_TAUS.map((tau) => li2022(CHAPTER_CD.alpha, true, tau)),
  ...SWEEP_BETAS.map((b) => obrien2023(b, true)),
];
for (const config of [...MAIN_CONFIGS, ...sweepConfigs]) {
  const count = config.sweep ? SWEEP_PROMPTS : TEXT_PROMPTS;
  for (let i = 0; i < count; i++) {
    const { sample, tokens } = await generateSample(config, models, promptIds[i], i, NEW_TOKENS);
    samples.push(sample);
    if (i === 0) exampleContinuations.push({ config: config.key, promptIndex: 0, prompt: textPrompts[0].prompt, continuation: models.expert.decode(tokens) });
  }
  log(`text: ${config.key} on ${count} prompts`);
}
const ofConfig = (key: string, prompts: number) => samples.filter((s) => s.config === key && s.promptIndex < prompts);
const textRows = MAIN_CONFIGS.map((c) => summarize(c, ofConfig(c.key, TEXT_PROMPTS), NEW_TOKENS));
const liDefault = MAIN_CONFIGS.find((c) => c.variant === 'li2022')!;
const obDefault = MAIN_CONFIGS.find((c) => c.variant === 'obrien2023')!;
const mainRunRow = (config: TextConfig) => summarize({ ...config, sweep: true }, ofConfig(config.key, SWEEP_PROMPTS), NEW_TOKENS, 'main run (default), same prompts');
const sweepRow = (config: TextConfig) => summarize(config, ofConfig(config.key, SWEEP_PROMPTS), NEW_TOKENS);
const sweepRows = [
  ...[...SWEEP_ALPHAS, CHAPTER_CD.alpha].sort((a, b) => a - b).map((alpha) =>
    alpha === CHAPTER_CD.alpha ? mainRunRow(liDefault) : sweepRow(li2022(alpha, true)),
  ),
  ...SWEEP_TAUS.map((tau) => sweepRow(li2022(CHAPTER_CD.alpha, true, tau))),
  summarize(
    { ...obrien2023(0, true) },
    ofConfig('greedy', SWEEP_PROMPTS).map((s) => ({ ...s, config: obrien2023(0, true).key })),
    NEW_TOKENS,
    'greedy runs: beta = 0 is expert greedy by definition',
  ),
  ...[...SWEEP_BETAS, CHAPTER_CD.beta].sort((a, b) => a - b).map((beta) =>
    beta === CHAPTER_CD.beta ? mainRunRow(obDefault) : sweepRow(obrien2023(beta, true)),
  ),
];
sectionSeconds.text = (performance.now() - t) / 1000;

// 2. DoLa vs greedy on the factual prompts.
t = performance.now();
const factualIndices = factualSubset(FACTUAL_PROMPTS);
const configs = dolaConfigs(models.expert.model.info.numLayers);
const memo = new MemoCausalLM(models.expert.model, { memoizeAll: true });
const outcomes: DolaOutcome[] = [];
for (const [n, index] of factualIndices.entries()) {
  outcomes.push(...(await judgePrompt(configs, models, memo, factualPrompts[index], index)));
  if ((n + 1) % 100 === 0) log(`dola: ${n + 1}/${factualIndices.length} prompts`);
}
const probeIds = models.expert.encode(factualPrompts[0].prompt);
const dolaRows = configs.map((c) => summarizeDola(c, candidateLayersOf(c, memo, probeIds), outcomes, factualPrompts, originalRelations));
const forwardCalls = { remembered: memo.hits, run: memo.misses };
sectionSeconds.dola = (performance.now() - t) / 1000;
log('dola done');

// 3. Speculative sampling exactness.
t = performance.now();
const prefixes = [textPrompts[0].prompt, textPrompts[1].prompt, factualPrompts[factualIndices[0]].prompt];
const speculativeRows = [];
for (const [i, prefix] of prefixes.entries()) {
  speculativeRows.push(await speculativeExactness(models, prefix, SPEC_ROUNDS, SPEC_GAMMA, 100_000 * (i + 1)));
  log(`speculative: prefix ${i + 1}/${prefixes.length}`);
}
sectionSeconds.speculative = (performance.now() - t) / 1000;

const results = {
  meta: {
    date: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    sectionSeconds,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: totalmem() / 2 ** 30, loadAverage1m: loadavg()[0], node: process.version, platform: process.platform },
    quick,
    models: { expert: models.expert.model.info, amateur: models.amateur.model.info, expertEarly: models.expertEarly.model.info },
    text: {
      fixture: 'tests/fixtures/heldout-text-prompts.json',
      prompts: TEXT_PROMPTS,
      sweepPrompts: SWEEP_PROMPTS,
      newTokens: NEW_TOKENS,
      seeds: 'nucleus: 1000 + prompt index; top-k: 2000 + prompt index',
      stopAtEos: false,
    },
    dola: {
      fixture: 'tests/fixtures/factual-prompts.json',
      prompts: factualIndices.length,
      of: factualPrompts.length,
      subset: factualIndices.length < factualPrompts.length ? 'every relation of evenly spaced subjects' : 'all',
      originalRelations: [...originalRelations],
      repetitionPenalty: DOLA_PENALTY,
      forwardCalls,
    },
    speculative: { gamma: SPEC_GAMMA, roundsPerPrefix: SPEC_ROUNDS, temperature: 1, draft: 'amateur', target: 'expert', seeds: '100000 × (prefix number) + round' },
  },
  text: textRows,
  sweep: sweepRows,
  textSamples: samples.map(({ ms: _ms, text: _text, ...rest }) => rest),
  exampleContinuations,
  dola: dolaRows,
  dolaByRelation: flattenDola(dolaRows).byRelation,
  dolaLayerChoices: flattenDola(dolaRows).layerChoices,
  speculative: speculativeRows,
};
results.meta.durationSeconds = (performance.now() - started) / 1000;
writeFileSync(join(ROOT, 'eval/results.json'), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(join(ROOT, 'eval/results.md'), renderMarkdown(results));
log(`wrote eval/results.json and eval/results.md in ${results.meta.durationSeconds.toFixed(0)} s`);
