/**
 * Chapter 1's live sampler on the real expert: it shows the precomputed example at once, turns
 * live, steps and steps back with buttons and keys, its numbers equal the same session run in
 * Node, and its parameters round-trip through the URL (bad values clamped with a notice).
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_PARAMS, samplerSpec } from '../../src/components/widgets/live-sampler/params';
import { computeExample } from '../../scripts/precompute-lib';
import type { SamplingTrace } from '../../src/lib/decoding';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';

const PAGE = '/explainers/01-logits-to-text/';
const WIDGET = 'figure[data-widget="live-sampler"]';

test('the live sampler steps on the real model and shows the numbers the session computes', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const params = { ...DEFAULT_PARAMS, temperature: 0.7, topP: 0.9, seed: 7 };
  const expected = await computeExample({ id: 'check', spec: samplerSpec(params), steps: 3 });

  await page.goto(`${PAGE}?sample.temperature=0.7&sample.topP=0.9&sample.seed=7`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  // The preview server sends COOP/COEP as the site's _headers do: WASM runs threaded, and says so.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(widget.getByTestId('wasm-threads')).toHaveText(
    cores > 1 ? `${Math.min(4, cores)} threads (the page is cross-origin isolated; ${cores} cores).` : 'One thread: this device reports one core.',
  );
  await expect(widget.getByTestId('step-count')).toHaveText('0');

  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 3; i++) {
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
  }
  const trace = expected.steps[2].trace as SamplingTrace;
  await expect(widget.getByTestId('chosen-prob')).toHaveText(trace.prob.toFixed(4));
  const rows = widget.getByTestId('top-tokens').locator('tbody tr');
  await expect(rows).toHaveCount(trace.after.length);
  for (const [i, row] of trace.after.entries()) {
    await expect(rows.nth(i)).toHaveAttribute('data-token', String(row.token));
    await expect(rows.nth(i).locator('td').nth(2)).toHaveText(row.prob.toFixed(4));
  }

  // Keyboard: the figure has focus; ← goes back, → steps again.
  await widget.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText('3');
  await expect(widget.getByTestId('chosen-prob')).toHaveText(trace.prob.toFixed(4));

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('the precomputed example is there before any model loads', async ({ page }) => {
  await page.route('**/models/**', () => undefined); // never answered: the models cannot load
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  await expect(widget.getByTestId('step-count')).toHaveText('12');
  await expect(widget.getByTestId('top-tokens').locator('tbody tr')).toHaveCount(12);
});

test('parameters round-trip through the URL, and bad values are clamped with a notice', async ({ page }) => {
  await page.goto(`${PAGE}?sample.topK=5000&sample.temperature=NaN&sample.minP=0.05&sample.minP=0.1`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByRole('status', { name: 'Notices' })).toContainText('Top-k 5000 was clamped to 200');
  await expect(widget.getByRole('status', { name: 'Notices' })).toContainText('Temperature must be a number');
  await expect(widget.getByRole('status', { name: 'Notices' })).toContainText('Min-p was given 2 times');
  await expect(widget.getByRole('slider', { name: 'Top-k' })).toHaveValue('200');
  await expect(widget.getByRole('slider', { name: 'Min-p' })).toHaveValue('0.1');
  // The URL now holds the clamped values, so sharing it reproduces this view.
  await expect(page).toHaveURL(/sample\.topK=200/);
  await expect(page).toHaveURL(/sample\.minP=0\.1(&|$)/);
  await expect(page).not.toHaveURL(/temperature/);
});

test('a slider change costs one request to the worker, which replays the shown steps itself', async ({ page }) => {
  test.setTimeout(120_000);
  // Every message the page sends any worker, by type (onnxruntime's thread workers get none from the page).
  await page.addInitScript(() => {
    const sent: string[] = [];
    (window as unknown as { sentToWorkers: string[] }).sentToWorkers = sent;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
      sent.push(String((message as { type?: unknown } | null)?.type));
      return (post as (...args: unknown[]) => void).call(this, message, ...rest);
    };
  });
  const errors = collectPageErrors(page);
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  // Live, the session has replayed the precomputed example's steps; one more makes the count ours.
  const step = widget.getByRole('button', { name: 'Step →' });
  await expect(step).toBeEnabled();
  const shown = Number(await widget.getByTestId('step-count').textContent()) + 1;
  await step.click();
  await expect(widget.getByTestId('step-count')).toHaveText(String(shown));
  await expect(step).toBeEnabled();

  const sent = () => page.evaluate(() => (window as unknown as { sentToWorkers: string[] }).sentToWorkers.splice(0));
  await sent();
  const temperature = widget.getByRole('slider', { name: 'Temperature' });
  await temperature.focus();
  await page.keyboard.press('ArrowLeft'); // 1.00 -> 0.95
  await expect(page).toHaveURL(/sample\.temperature=0\.95/);
  const expected = await computeExample({ id: 'check', spec: samplerSpec({ ...DEFAULT_PARAMS, temperature: 0.95 }), steps: shown });
  const trace = expected.steps[shown - 1].trace as SamplingTrace;
  await expect(widget.getByTestId('chosen-prob')).toHaveText(trace.prob.toFixed(4));
  await expect(widget.getByTestId('step-count')).toHaveText(String(shown));
  expect(await sent()).toEqual(['open']);
  expect(errors).toEqual([]);
});
