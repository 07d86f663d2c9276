/**
 * WebGPU failing on a real chapter page, in Chromium with a (software) WebGPU adapter: an adapter
 * that cannot create a device leaves the widget on WASM with the reason; a device lost in the
 * middle of a session (destroyed from inside the model worker, which settles its `lost` promise
 * as a real loss does) makes the widget reload its model in a fresh worker on WASM, say so, and
 * carry on from the same step; the long-generation race does the same and generates its three
 * texts again there. The device is stood in for in the model worker, where onnxruntime creates it.
 */
import { expect, test, type Page } from '@playwright/test';
import { computeExample } from '../../scripts/precompute-lib';
import { DEFAULT_PARAMS as GEN_DEFAULTS, generationSpecs, METHODS } from '../../src/components/widgets/cd-generation/params';
import { modelWorkers, runInModelWorker } from './support/model-worker';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';
import { expectNoAlert } from './support/widget-checks';

const PAGE = '/explainers/01-logits-to-text/';
const WIDGET = 'figure[data-widget="live-sampler"]';

/** Keeps every device the worker creates, so the test can take it away. Call before the page loads. */
async function keepDevices(page: Page): Promise<void> {
  await runInModelWorker(
    page,
    `self.__devices = [];
     const requestDevice = GPUAdapter.prototype.requestDevice;
     GPUAdapter.prototype.requestDevice = async function (...args) {
       const device = await requestDevice.apply(this, args);
       self.__devices.push(device);
       return device;
     };`,
  );
}

/** Destroys the worker's devices; resolves to a promise of that worker's closing. */
async function loseDevices(page: Page): Promise<Promise<void>> {
  const [gpuWorker] = modelWorkers(page);
  const closed = new Promise<void>((resolve) => gpuWorker.once('close', () => resolve()));
  await gpuWorker.evaluate(() => {
    for (const device of (self as unknown as { __devices: { destroy(): void }[] }).__devices) device.destroy();
  });
  return closed;
}

test('an adapter that cannot create a device: the widget runs on WASM and says why', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await runInModelWorker(page, `GPUAdapter.prototype.requestDevice = () => Promise.reject(new Error('device creation refused by the driver'));`);
  await page.goto(PAGE);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 90_000 });
  await expect(widget.locator('.reason')).toHaveText(
    /^WebGPU found a graphics adapter \(.+\) but could not create a device on it \(device creation refused by the driver\)\. Running on WASM instead\.$/,
  );
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('13');
  expect(errors).toEqual([]);
});

test('the GPU device lost mid-session: the widget reloads on WASM in a new worker, says so, and steps on from where it was', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await keepDevices(page);
  // Another seed than the precomputed example's: the live session starts from the prompt, so the
  // slow software adapter has no example to replay.
  await page.goto(`${PAGE}?sample.seed=5`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WebGPU', { timeout: 180_000 });
  for (const count of ['1', '2']) {
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText(count, { timeout: 60_000 });
  }

  const closed = await loseDevices(page);
  await widget.getByRole('button', { name: 'Step →' }).click();

  // The lost worker is closed; a new one runs the model on WASM, and the widget says why.
  await closed;
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expect(widget.locator('.reason')).toHaveText(/^WebGPU stopped working on this page \(destroyed.*\); running on WASM instead\.$/);
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await expectNoAlert(widget);
  expect(modelWorkers(page)).toHaveLength(1);
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('3');
  expect(pageErrors).toEqual([]);
});

test('the GPU device lost under the long generation: it loads again on WASM, says so, and generates the same three texts', async ({ page }) => {
  test.setTimeout(300_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const params = { ...GEN_DEFAULTS, length: 8, seed: 3 };
  const specs = generationSpecs(params);
  const expected = new Map<string, string>();
  for (const { key } of METHODS) {
    const example = await computeExample({ id: key, spec: specs[key], steps: params.length });
    expected.set(key, example.steps.map((s) => s.text).join(''));
  }
  await keepDevices(page);
  await page.goto(`/explainers/02-contrastive-decoding/?cdgen.length=8&cdgen.seed=3`);
  const selector = 'figure[data-widget="cd-generation"]';
  await waitForIslandOf(page, selector);
  const widget = page.locator(selector);
  await widget.scrollIntoViewIfNeeded();
  await expect(widget.getByTestId('device-badge')).toHaveText('WebGPU', { timeout: 180_000 });
  // Live (not the precomputed example) and played to the length on WebGPU.
  await expect(widget.getByTestId('precomputed')).toHaveCount(0);
  await expect(widget.getByRole('button', { name: '← Back' })).toBeEnabled({ timeout: 180_000 });
  await expect(widget.getByTestId('step-count')).toHaveText('8');

  const closed = await loseDevices(page);
  await widget.getByRole('button', { name: '← Back' }).click();
  await closed;
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expect(widget.locator('.reason')).toHaveText(/^WebGPU stopped working on this page \(destroyed.*\); running on WASM instead\.$/);
  await expect(widget.getByTestId('step-count')).toHaveText('8', { timeout: 60_000 });
  for (const { key } of METHODS) await expect(widget.getByTestId(`text-${key}`)).toHaveText(expected.get(key)!);
  await expectNoAlert(widget);
  expect(modelWorkers(page)).toHaveLength(1);
  expect(pageErrors).toEqual([]);
});
