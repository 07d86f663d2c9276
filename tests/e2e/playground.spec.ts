/**
 * The playground: every method steps together on the real models, each pane shows what the same
 * session gives in Node, back and reset work for all, and the parameters round-trip the URL.
 */
import { expect, test } from '@playwright/test';
import { BUNDLED_PAIR, findModel, formatBytes } from '../../src/lib/runtime/registry';
import { DEFAULT_PARAMS, METHODS } from '../../src/components/widgets/playground/params';
import { computeExample } from '../../scripts/precompute-lib';
import { fakeHub, listedBytes } from './support/fake-hub';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';

const PAGE = '/explainers/05-playground/';
const WIDGET = 'figure[data-widget="playground"]';

test('every method steps together and shows the text its session gives', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const params = { ...DEFAULT_PARAMS, seed: 3 };
  await page.goto(`${PAGE}?play.seed=3`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 120_000 });
  await expect(widget.getByTestId('step-count')).toHaveText('0');

  for (let i = 1; i <= 3; i++) {
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i), { timeout: 30_000 });
  }
  for (const method of METHODS) {
    const expected = await computeExample({ id: method.id, spec: method.spec(params, BUNDLED_PAIR), steps: 3 });
    const prompt = expected.promptIds.map((id) => expected.tokenText[id]).join('');
    const generated = method.id === 'beam' ? (expected.steps[2].text ?? '') : expected.steps.map((s) => s.text ?? '').join('');
    const pane = widget.locator(`section[data-method="${method.id}"]`);
    await expect(pane.getByTestId('steps')).toHaveText('3');
    await expect(pane.getByTestId('text')).toHaveText(prompt + generated);
  }

  await widget.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await widget.getByRole('button', { name: 'Reset' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('0');
  for (const method of METHODS) await expect(widget.locator(`section[data-method="${method.id}"]`).getByTestId('steps')).toHaveText('0');

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('the playground shows its precomputed example before the models load, and its parameters live in the URL', async ({ page }) => {
  await page.route('**/models/**', () => undefined);
  await page.goto(`${PAGE}?play.gamma=99&play.numBeams=2`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await expect(widget.getByRole('status', { name: 'Notices' })).toContainText('Speculative gamma 99 was clamped to 8');
  await expect(widget.getByRole('slider', { name: 'Beams' })).toHaveValue('2');
  await expect(page).toHaveURL(/play\.gamma=8/);
  // Beams = 2 is not the precomputed default, so that pane waits for the model; the others show theirs.
  await expect(widget.locator('section[data-method="greedy"]').getByTestId('steps')).toHaveText('8');
  await expect(widget.locator('section[data-method="beam"]').getByTestId('steps')).toHaveText('0');
});

test('a Hub pair is downloaded only after the reader agrees, then every method runs on it', async ({ page }) => {
  test.setTimeout(180_000);
  const requested: string[] = [];
  await fakeHub(page.context(), requested);
  await page.goto(`${PAGE}?play.pair=smollm2`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  const consent = widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' });
  // The size is the stand-in Hub's file listing of what the load fetches: config and tokenizer files and the 4-bit weights.
  await expect(consent.getByTestId('download-size')).toContainText(`This downloads ${formatBytes(listedBytes('HuggingFaceTB/SmolLM2-360M-Instruct') + listedBytes('HuggingFaceTB/SmolLM2-135M-Instruct'))} from huggingface.co`);
  await expect(consent.getByTestId('download-size')).toContainText("as the Hub's file listing gives it now");
  await expect(consent.getByTestId('device-warning')).toContainText('Running them takes at least that much memory');
  // The bundled models run meanwhile; the Hub was asked only for its file listings.
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 120_000 });
  expect(requested.sort()).toEqual([
    '/api/models/HuggingFaceTB/SmolLM2-135M-Instruct/tree/main',
    '/api/models/HuggingFaceTB/SmolLM2-360M-Instruct/tree/main',
  ]);

  await consent.getByRole('button', { name: 'Download and use them' }).click();
  await expect(consent).toBeHidden();
  await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 120_000 });
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('1', { timeout: 60_000 });
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx');
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/onnx/model_q4.onnx');
  // DoLa runs on the Hub expert, whose served graph has no layer_logits: the worker's layer lens
  // added them, and the step equals DoLa on the bundled expert (same weights).
  const dola = METHODS.find((m) => m.id === 'dola')!;
  await expect(widget.locator('section[data-method="dola"]')).toContainText('early exits added in this browser by the layer lens');
  const expectedDola = await computeExample({ id: 'hub-dola', spec: dola.spec(DEFAULT_PARAMS, BUNDLED_PAIR), steps: 1 });
  await expect(widget.locator('section[data-method="dola"]').getByTestId('text').locator('mark')).toHaveText(expectedDola.steps[0].text ?? '');

  // Back to the bundled pair without asking.
  await widget.getByLabel('Models').selectOption('bundled');
  await expect(widget.getByRole('alertdialog')).toHaveCount(0);
  await expect(page).not.toHaveURL(/play\.pair/);
});

test("a Hub pair's second load comes from this browser's cache, already extended by the layer lens", async ({ page }) => {
  test.setTimeout(240_000);
  const requested: string[] = [];
  await fakeHub(page.context(), requested);
  // Whole downloads of the large model's weights (transformers.js first probes each file with a one-byte range).
  let downloads = 0;
  page.context().on('request', (request) => {
    if (request.url().endsWith('/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx') && !request.headers()['range']) downloads++;
  });
  const dola = METHODS.find((m) => m.id === 'dola')!;
  const expectedDola = await computeExample({ id: 'hub-dola-cached', spec: dola.spec(DEFAULT_PARAMS, BUNDLED_PAIR), steps: 1 });
  for (const visit of [1, 2]) {
    await page.goto(`${PAGE}?play.pair=smollm2`);
    await waitForIslandOf(page, WIDGET);
    const widget = page.locator(WIDGET);
    await widget.getByRole('button', { name: 'Download and use them' }).click();
    await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 120_000 });
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText('1', { timeout: 60_000 });
    await expect(widget.locator('section[data-method="dola"]').getByTestId('text').locator('mark')).toHaveText(expectedDola.steps[0].text ?? '');
    // The first visit downloads the weights once; the second reads the extended copy from the cache.
    expect(downloads, `downloads of the weights after visit ${visit}`).toBe(1);
  }
});

test("when the Hub's file listing cannot be read, the consent step shows the registry's estimate and says so", async ({ page }) => {
  await fakeHub(page.context(), [], { listing: false });
  await page.goto(`${PAGE}?play.pair=smollm2`);
  await waitForIslandOf(page, WIDGET);
  const consent = page.locator(WIDGET).getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' });
  const bytes = findModel('smollm2-360m')!.downloadBytes + findModel('smollm2-135m')!.downloadBytes;
  await expect(consent.getByTestId('download-size')).toContainText(`This downloads about ${formatBytes(bytes)} from huggingface.co`);
  await expect(consent.getByTestId('download-size')).toContainText("our registry's estimate: the Hub's file listing could not be read just now");
  await expect(consent.getByRole('button', { name: 'Download and use them' })).toBeEnabled();
});
