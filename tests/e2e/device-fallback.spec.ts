/**
 * WebGPU that is not there, on a real chapter page: with navigator.gpu missing, or with its
 * adapter request failing (stood in for in the model worker, where the device is chosen), the
 * live sampler loads on WASM, its device note says why, and it steps.
 */
import { expect, test } from '@playwright/test';
import { runInModelWorker } from './support/model-worker';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';

const PAGE = '/explainers/01-logits-to-text/';
const WIDGET = 'figure[data-widget="live-sampler"]';

const CASES = [
  {
    name: 'navigator.gpu is missing',
    prelude: `Object.defineProperty(WorkerNavigator.prototype, 'gpu', { get: () => undefined });`,
    reason: /^This browser offers no WebGPU here \(navigator\.gpu is missing; .*\)\. Running on WASM instead\.$/,
  },
  {
    name: 'the adapter request fails',
    prelude: `Object.defineProperty(WorkerNavigator.prototype, 'gpu', {
      get: () => ({ requestAdapter: () => Promise.reject(new Error('adapter blocked by policy')) }),
    });`,
    reason: /^WebGPU could not find a graphics adapter \(adapter blocked by policy\)\. Running on WASM instead\.$/,
  },
];

for (const { name, prelude, reason } of CASES) {
  test(`when ${name}, the widget runs on WASM and says why`, async ({ page }) => {
    test.setTimeout(90_000);
    const errors = collectPageErrors(page);
    await runInModelWorker(page, prelude);
    await page.goto(PAGE);
    await waitForIslandOf(page, WIDGET);
    const widget = page.locator(WIDGET);
    await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
    await expect(widget.locator('.reason')).toHaveText(reason);
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText('13');
    expect(errors).toEqual([]);
  });
}
