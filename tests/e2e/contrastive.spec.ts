/**
 * Chapter 2's widgets on the real models: the step-by-step contrastive decoder shows the numbers
 * the same session gives in Node (both variants' parameters, the early-checkpoint amateur, both
 * amateur contexts), steps and steps back with buttons and keys, and round-trips its parameters
 * through the URL; the long-generation comparison runs three sessions to the chosen length and
 * shows the same texts and the same rep-n / diversity as the Node run of the same specs, and ends
 * on the newest value with no error when a slider is dragged while it plays.
 */
import { expect, test, type Locator } from '@playwright/test';
import { computeExample } from '../../scripts/precompute-lib';
import { DEFAULT_PARAMS as GEN_DEFAULTS, generationSpecs, METHODS, PRECOMPUTED_STEPS } from '../../src/components/widgets/cd-generation/params';
import { contrastiveSpec, DEFAULT_PARAMS } from '../../src/components/widgets/contrastive-decoding/params';
import type { ContrastiveTrace } from '../../src/lib/decoding';
import { corpusDiversity, repetitionReport } from '../../src/lib/metrics';
import { fakeHub } from './support/fake-hub';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';
import { expectNoAlert } from './support/widget-checks';

const PAGE = '/explainers/02-contrastive-decoding/';
const WIDGET = 'figure[data-widget="contrastive-decoding"]';
const GENERATION = 'figure[data-widget="cd-generation"]';

async function expectCandidates(widget: Locator, trace: ContrastiveTrace): Promise<void> {
  const shown = trace.candidates.slice(0, 12);
  const rows = widget.getByTestId('candidates').locator('tbody tr');
  await expect(rows).toHaveCount(shown.length);
  for (const [i, row] of shown.entries()) {
    await expect(rows.nth(i)).toHaveAttribute('data-token', String(row.token));
    await expect(rows.nth(i).locator('td').nth(3)).toHaveText(row.score === null ? '−∞' : row.score.toFixed(3));
  }
}

test('the contrastive decoder steps on the real models and shows the numbers the session computes', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const params = { ...DEFAULT_PARAMS, variant: 'obrien2023' as const, beta: 0.8, amateur: 'expert-early' as const, context: 'full' as const };
  const expected = await computeExample({ id: 'check', spec: contrastiveSpec(params), steps: 3 });

  await page.goto(`${PAGE}?cd.variant=obrien2023&cd.beta=0.8&cd.amateur=expert-early&cd.context=full`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expect(widget.getByRole('radio', { name: "Expert's early checkpoint" })).toBeChecked();
  await expect(widget.getByTestId('step-count')).toHaveText('0');

  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 3; i++) {
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
  }
  const trace = expected.steps[2].trace as ContrastiveTrace;
  await expect(widget.getByTestId('chosen-token')).toHaveText(String(trace.chosen.token));
  await expect(widget.getByTestId('chosen-score')).toHaveText(trace.chosen.score.toFixed(3));
  await expect(widget.getByTestId('head-size')).toHaveText(String(trace.head.size));
  await expect(widget.getByTestId('head-threshold')).toHaveText(trace.head.thresholdProb.toFixed(4));
  await expect(widget.getByTestId('head')).toContainText(`tau = (1 + beta) / beta = ${(1.8 / 0.8).toFixed(3)}`);
  const amateurRows = widget.getByTestId('amateur-top').locator('tbody tr');
  await expect(amateurRows).toHaveCount(trace.amateurTop.length);
  for (const [i, row] of trace.amateurTop.entries()) {
    await expect(amateurRows.nth(i)).toHaveAttribute('data-token', String(row.token));
    await expect(amateurRows.nth(i).locator('td').nth(1)).toHaveText(row.prob.toFixed(4));
  }
  await expectCandidates(widget, trace);

  // Keyboard: the figure has focus; ← goes back, → steps again to the same numbers.
  await widget.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await expect(widget.getByTestId('chosen-token')).toHaveText(String((expected.steps[1].trace as ContrastiveTrace).chosen.token));
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText('3');
  await expect(widget.getByTestId('chosen-score')).toHaveText(trace.chosen.score.toFixed(3));

  // Switching to li2022 with tau = 1 and the small amateur: the new amateur is loaded and the
  // session starts again from the prompt.
  const li = await computeExample({
    id: 'check-li',
    spec: contrastiveSpec({ ...params, variant: 'li2022', tau: 1, amateur: 'amateur' }),
    steps: 3,
  });
  await widget.getByRole('radio', { name: 'Li et al. 2022 (tau)' }).check();
  await widget.getByRole('slider', { name: 'Amateur temperature tau' }).fill('1');
  await widget.getByRole('radio', { name: 'Small model (2 layers)' }).check();
  await expect(page).not.toHaveURL(/cd\.amateur/);
  await expect(widget.getByTestId('step-count')).toHaveText('0', { timeout: 30_000 });
  for (let i = 1; i <= 3; i++) {
    await expect(step).toBeEnabled({ timeout: 30_000 });
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
  }
  const liTrace = li.steps[2].trace as ContrastiveTrace;
  await expect(widget.getByTestId('chosen-score')).toHaveText(liTrace.chosen.score.toFixed(3));
  await expectCandidates(widget, liTrace);
  await expect(page).toHaveURL(/cd\.tau=1(&|$)/);
  await expect(page).not.toHaveURL(/cd\.variant/);

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('the figure runs on a Hub pair once the reader agrees, through the Hub code path, and names the models', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const requested: string[] = [];
  // The stand-in Hub serves the bundled files under SmolLM2's names, so the numbers must be the bundled pair's.
  await fakeHub(page.context(), requested);
  await page.goto(`${PAGE}?cd.pair=smollm2&cd.amateur=expert-early`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await expect(widget.locator('figcaption')).toHaveText('Contrastive decoding step by step: the expert (8 layers) against the amateur (early checkpoint)');
  const consent = widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' });
  await consent.getByRole('button', { name: 'Download and use them' }).click();
  await expect(consent).toBeHidden();
  await expect(widget.locator('figcaption')).toHaveText('Contrastive decoding step by step: the expert (SmolLM2 360M) against the amateur (SmolLM2 135M)');
  // Hub models have no early checkpoint: that amateur is off and the hint says why.
  await expect(widget.getByRole('radio', { name: "Expert's early checkpoint" })).toBeDisabled();
  await expect(widget.getByText('Hub models publish no early checkpoint of their own run')).toBeVisible();

  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 2; i++) {
    await expect(step).toBeEnabled({ timeout: 120_000 });
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i), { timeout: 60_000 });
  }
  await expect(widget.getByRole('heading', { name: 'Expert (SmolLM2 360M)' })).toBeVisible();
  await expect(widget.getByRole('heading', { name: 'Amateur (SmolLM2 135M)' })).toBeVisible();
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx');
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/onnx/model_q4.onnx');
  const expected = await computeExample({ id: 'check-hub', spec: contrastiveSpec({ ...DEFAULT_PARAMS, amateur: 'amateur' }), steps: 2 });
  const trace = expected.steps[1].trace as ContrastiveTrace;
  await expect(widget.getByTestId('chosen-token')).toHaveText(String(trace.chosen.token));
  await expect(widget.getByTestId('chosen-score')).toHaveText(trace.chosen.score.toFixed(3));
  await expect(page).toHaveURL(/cd\.pair=smollm2/);
  expect(errors).toEqual([]);
});

test('both precomputed examples are there before any model loads', async ({ page }) => {
  await page.route('**/models/**', () => undefined); // never answered: the models cannot load
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  await expect(widget.getByTestId('step-count')).toHaveText('12');
  await expect(widget.getByTestId('expert-top').locator('tbody tr')).toHaveCount(10);

  const generation = page.locator(GENERATION);
  await generation.scrollIntoViewIfNeeded();
  await expect(generation.getByTestId('precomputed')).toBeVisible();
  await expect(generation.getByTestId('step-count')).toHaveText(String(PRECOMPUTED_STEPS));
  const specs = generationSpecs(GEN_DEFAULTS);
  for (const { key } of METHODS) {
    const example = await computeExample({ id: key, spec: specs[key], steps: PRECOMPUTED_STEPS });
    const report = repetitionReport(example.steps.flatMap((s) => s.tokens));
    const row = generation.locator(`tbody tr[data-method="${key}"]`);
    await expect(row.locator('td').nth(4)).toHaveText(report.diversity.toFixed(3));
    const words = corpusDiversity([example.steps.map((s) => s.text ?? '').join('')]).diversity;
    await expect(row.locator('td[data-col="word-diversity"]')).toHaveText(Number.isFinite(words) ? words.toFixed(3) : '—');
  }
});

test('the long generation runs greedy, nucleus and CD to the chosen length with their repetition numbers', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const params = { ...GEN_DEFAULTS, length: 24, seed: 3 };
  const specs = generationSpecs(params);
  const expected = new Map<string, { text: string; tokens: number[] }>();
  for (const { key } of METHODS) {
    const example = await computeExample({ id: key, spec: specs[key], steps: 24 });
    expected.set(key, { text: example.steps.map((s) => s.text).join(''), tokens: example.steps.flatMap((s) => s.tokens) });
  }

  await page.goto(`${PAGE}?cdgen.length=24&cdgen.seed=3`);
  const widget = page.locator(GENERATION);
  await waitForIslandOf(page, GENERATION);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 90_000 });
  // Play starts by itself once the models are ready and stops at the length.
  await expect(widget.getByTestId('step-count')).toHaveText('24', { timeout: 90_000 });
  await expect(widget.getByRole('button', { name: 'Step →' })).toBeDisabled();

  const checkMetrics = async (upTo: number): Promise<void> => {
    for (const { key } of METHODS) {
      const { text, tokens } = expected.get(key)!;
      if (upTo === 24) await expect(widget.getByTestId(`text-${key}`)).toHaveText(text);
      const report = repetitionReport(tokens.slice(0, upTo));
      const cells = widget.locator(`tbody tr[data-method="${key}"] td`);
      await expect(cells.nth(0)).toHaveText(String(upTo));
      await expect(cells.nth(1)).toHaveText(report.rep2.toFixed(1));
      await expect(cells.nth(2)).toHaveText(report.rep3.toFixed(1));
      await expect(cells.nth(3)).toHaveText(report.rep4.toFixed(1));
      await expect(cells.nth(4)).toHaveText(report.diversity.toFixed(3));
    }
  };
  await checkMetrics(24);

  // ← takes one token back from every method, → adds it again.
  await widget.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText('23');
  await checkMetrics(23);
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText('24');
  await checkMetrics(24);

  // Another amateur: the widget loads it, reopens the three sessions and plays to the length again.
  const early = await computeExample({ id: 'early', spec: generationSpecs({ ...params, amateur: 'expert-early' }).cd, steps: 24 });
  await widget.getByRole('radio', { name: 'Early checkpoint' }).check();
  await expect(page).toHaveURL(/cdgen\.amateur=expert-early/);
  await expect(widget.getByTestId('text-cd')).toHaveText(early.steps.map((s) => s.text).join(''), { timeout: 90_000 });
  await expect(widget.getByTestId('step-count')).toHaveText('24', { timeout: 90_000 });
  const earlyReport = repetitionReport(early.steps.flatMap((s) => s.tokens));
  await expect(widget.locator('tbody tr[data-method="cd"] td').nth(4)).toHaveText(earlyReport.diversity.toFixed(3));
  await expect(widget.getByTestId('text-greedy')).toHaveText(expected.get('greedy')!.text);

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('the long generation runs its three methods on a Hub pair once the reader agrees', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const requested: string[] = [];
  await fakeHub(page.context(), requested);
  await page.goto(`${PAGE}?cdgen.pair=smollm2&cdgen.length=8`);
  await waitForIslandOf(page, GENERATION);
  const widget = page.locator(GENERATION);
  await widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' }).getByRole('button', { name: 'Download and use them' }).click();
  await expect(widget.locator('figcaption')).toHaveText('A long generation: the expert (SmolLM2 360M) alone and against the amateur (SmolLM2 135M)');
  // New models: the sessions start again from the prompt and play on to the chosen length.
  await expect(widget.getByTestId('step-count')).toHaveText('8', { timeout: 120_000 });
  // The stand-in Hub serves the bundled files under SmolLM2's names: each text is the bundled pair's.
  const specs = generationSpecs(GEN_DEFAULTS);
  for (const { key } of METHODS) {
    const run = await computeExample({ id: `hub-${key}`, spec: specs[key], steps: 8 });
    await expect(widget.getByTestId(`text-${key}`)).toHaveText(run.steps.map((s) => s.text ?? '').join(''));
  }
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/onnx/model_q4.onnx');
  expect(errors).toEqual([]);
});

test('the long generation ends on the newest alpha, with no error, when the slider is dragged while it plays', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const params = { ...GEN_DEFAULTS, length: 24, seed: 3, alpha: 0.4 };
  const expected = await computeExample({ id: 'cd', spec: generationSpecs(params).cd, steps: 24 });

  await page.goto(`${PAGE}?cdgen.length=24&cdgen.seed=3`);
  const widget = page.locator(GENERATION);
  await waitForIslandOf(page, GENERATION);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 90_000 });
  // Each value reopens the three sessions and plays again; the next comes a few milliseconds later.
  await widget.getByRole('slider', { name: 'Alpha' }).evaluate(async (slider: HTMLInputElement) => {
    for (const value of ['0.2', '0.3', '0.35', '0.4']) {
      slider.value = value;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  });
  await expect(widget.getByTestId('step-count')).toHaveText('24', { timeout: 90_000 });
  await expect(widget.getByTestId('text-cd')).toHaveText(expected.steps.map((s) => s.text).join(''));
  await expectNoAlert(widget);
  expect(errors).toEqual([]);
});

test('parameters round-trip through the URL, and bad values are clamped with a notice', async ({ page }) => {
  await page.goto(`${PAGE}?cd.alpha=5&cd.variant=best&cdgen.length=1000`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  const notices = widget.getByRole('status', { name: 'Notices' });
  await expect(notices).toContainText('Alpha 5 was clamped to 1');
  await expect(notices).toContainText('Variant must be one of li2022, obrien2023');
  await expect(widget.getByRole('slider', { name: 'Alpha' })).toHaveValue('1');
  await expect(widget.getByRole('radio', { name: 'Li et al. 2022 (tau)' })).toBeChecked();
  await expect(page).toHaveURL(/cd\.alpha=1(&|$)/);
  await expect(page).not.toHaveURL(/cd\.variant/);

  const generation = page.locator(GENERATION);
  await waitForIslandOf(page, GENERATION);
  await expect(generation.getByRole('status', { name: 'Notices' })).toContainText('Tokens to generate 1000 was clamped to 128');
  await expect(page).toHaveURL(/cdgen\.length=128/);
});
