/**
 * WebGPU failing on a real chapter page, in Chromium with a (software) WebGPU adapter: an adapter
 * that cannot create a device leaves the widget on WASM with the reason; a device lost in the
 * middle of a session (destroyed from inside the model worker, which settles its `lost` promise
 * as a real loss does) makes the widget reload its model in a fresh worker on WASM, say so, and
 * carry on from the same step. The device is stood in for in the model worker, where onnxruntime
 * creates it.
 */
import { expect, test } from '@playwright/test';
import { runInModelWorker } from './support/model-worker';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';
import { expectNoAlert } from './support/widget-checks';

const PAGE = '/explainers/01-logits-to-text/';
const WIDGET = 'figure[data-widget="live-sampler"]';

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
  // Keeps every device the worker creates, so the test can take it away.
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

  const [gpuWorker] = page.workers();
  const closed = new Promise<void>((resolve) => gpuWorker.once('close', () => resolve()));
  await gpuWorker.evaluate(() => {
    for (const device of (self as unknown as { __devices: { destroy(): void }[] }).__devices) device.destroy();
  });
  await widget.getByRole('button', { name: 'Step →' }).click();

  // The lost worker is closed; a new one runs the model on WASM, and the widget says why.
  await closed;
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expect(widget.locator('.reason')).toHaveText(/^WebGPU stopped working on this page \(destroyed.*\); running on WASM instead\.$/);
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await expectNoAlert(widget);
  expect(page.workers()).toHaveLength(1);
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('3');
  expect(pageErrors).toEqual([]);
});
