/**
 * The model worker in Chromium, through the development page: the bundled models load on WASM
 * from the site itself (nothing from elsewhere), every session steps, goes back and resets, and
 * greedy decoding gives the same tokens as onnxruntime-node in this process.
 */
import { expect, test, type Page } from '@playwright/test';
import { loadBundledModel } from '../../src/lib/runtime/model';
import { SamplingSession } from '../../src/lib/sessions';
import { DEV_PROMPT, DEV_SESSIONS } from '../../src/components/dev/specs';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslands } from './support/page-checks';

const MODELS_DIR = new URL('../../public/models/', import.meta.url).pathname;

async function loadModels(page: Page, device: 'wasm' | 'auto'): Promise<void> {
  await page.getByLabel('Device').selectOption(device);
  await page.getByRole('button', { name: 'Load the bundled models' }).click();
  await expect(page.getByTestId('load-status')).toHaveText('Models loaded.', { timeout: 90_000 });
}

test('every session steps on WASM with the bundled models served by the site', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(baseURL!) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) {
      foreign.push(request.url());
    }
  });
  const ort: string[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/ort/')) ort.push(new URL(response.url()).pathname);
  });

  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  await loadModels(page, 'wasm');
  for (const row of await page.locator('tr[data-model]').all()) {
    await expect(row.getByTestId('device')).toHaveText(/^WASM: WASM was chosen\./);
  }
  // On WASM the worker starts onnxruntime's plain build, never the larger one with WebGPU (its
  // thread workers fetch the same .mjs again).
  expect([...new Set(ort)].sort()).toEqual(['/ort/ort-wasm-simd-threaded.mjs', '/ort/ort-wasm-simd-threaded.wasm']);

  for (const { id } of DEV_SESSIONS) {
    const section = page.locator(`section[data-session="${id}"]`);
    await section.getByRole('button', { name: 'Open' }).click();
    await expect(section.getByRole('button', { name: 'Step' })).toBeEnabled();
    await section.getByRole('button', { name: 'Step' }).click();
    await expect(section.getByTestId('steps')).toHaveText('1', { timeout: 30_000 });
    await section.getByRole('button', { name: 'Step' }).click();
    await expect(section.getByTestId('steps')).toHaveText('2', { timeout: 30_000 });
    const twoSteps = await section.getByTestId('text').textContent();
    expect(twoSteps?.length).toBeGreaterThan(0);
    await section.getByRole('button', { name: 'Back' }).click();
    await expect(section.getByTestId('steps')).toHaveText('1');
    await section.getByRole('button', { name: 'Step' }).click();
    await expect(section.getByTestId('steps')).toHaveText('2', { timeout: 30_000 });
    // Back then step replays the same step: same text.
    await expect(section.getByTestId('text')).toHaveText(twoSteps!);
    await section.getByRole('button', { name: 'Reset' }).click();
    await expect(section.getByTestId('steps')).toHaveText('0');
  }

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test('greedy decoding in the browser (WASM) gives the tokens onnxruntime-node gives', async ({ page }) => {
  test.setTimeout(120_000);
  const direct = await loadBundledModel('expert', { localModelPath: MODELS_DIR });
  const local = new SamplingSession(direct.model, { promptIds: direct.encode(DEV_PROMPT), sampling: { temperature: 0 } });
  const expected = (await local.runTo(32)).steps.map((s) => s.tokens[0]);

  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const browser = await page.evaluate(async (prompt) => {
    type Client = import('../../src/lib/runtime/client').RuntimeClient;
    const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
    const client = runtime.createBrowserRuntime();
    try {
      const loaded = await client.load('expert', { device: 'wasm' });
      const session = await client.open({ method: 'sampling', model: 'expert', prompt, sampling: { temperature: 0 } });
      const tokens: number[] = [];
      await session.runTo(32, { onStep: (step) => tokens.push(step.tokens[0]) });
      return { tokens, device: loaded.device.device };
    } finally {
      client.close();
    }
  }, DEV_PROMPT);
  expect(browser.device).toBe('wasm');
  expect(browser.tokens).toEqual(expected);
});

test('without a WebGPU adapter, Auto runs on WASM and says why, and forcing WebGPU is a device error', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const outcome = await page.evaluate(async () => {
    type Client = import('../../src/lib/runtime/client').RuntimeClient;
    const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
    const client = runtime.createBrowserRuntime();
    try {
      const auto = await client.load('amateur', { device: 'auto' });
      await client.releaseModel('amateur');
      const forced = await client.load('amateur', { device: 'webgpu' }).then(
        () => null,
        (error: { kind: string; message: string; action: string }) => ({ kind: error.kind, message: error.message, action: error.action }),
      );
      return { auto: auto.device, forced };
    } finally {
      client.close();
    }
  });
  expect(outcome.auto.device).toBe('wasm');
  expect(outcome.auto.reason).toMatch(/WebGPU .*(no usable graphics adapter|navigator\.gpu is missing).* Running on WASM instead\./);
  expect(outcome.forced?.kind).toBe('device');
  expect(outcome.forced?.action).toMatch(/WASM/);
});
