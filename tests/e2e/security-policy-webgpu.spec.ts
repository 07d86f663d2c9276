/**
 * The WebGPU execution provider under the site's Content-Security-Policy (runs in the
 * chromium-webgpu project, whose Chromium has a software adapter). onnxruntime's loader holds a
 * `new Function` (Emscripten's embind), which the policy forbids: this shows the WebGPU path never
 * reaches it, so 'wasm-unsafe-eval' is all it needs, as on WASM.
 */
import { expect, test } from '@playwright/test';
import { DEV_PROMPT } from '../../src/components/dev/specs';
import { collectPageErrors, waitForIslands } from './support/page-checks';
import { startPolicyServer, type PolicyServer } from './support/policy-server';
import { reportsAfterSentinels, withoutSentinels } from './support/violation-reports';

let server: PolicyServer;

test.beforeAll(async () => {
  server = await startPolicyServer(process.env.ASTRO_OUT_DIR ?? 'dist');
});

test.afterAll(async () => {
  await server?.close();
});

test('the bundled expert loads and steps on WebGPU under the policy with no violation', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await page.goto(server.url('/dev/runtime/'));
  await waitForIslands(page);
  const result = await page.evaluate(async (prompt) => {
    type Client = import('../../src/lib/runtime/client').RuntimeClient;
    const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
    const client = runtime.createBrowserRuntime();
    const loaded = await client.load('expert', { device: 'webgpu' });
    const session = await client.open({ method: 'sampling', model: 'expert', prompt, sampling: { temperature: 0 }, topN: 5 });
    const step = await session.step();
    return { device: loaded.device.device, step: step.kind };
  }, DEV_PROMPT);
  expect(result).toEqual({ device: 'webgpu', step: 'step' });
  expect(await reportsAfterSentinels(page, server)).toEqual([]);
  expect(withoutSentinels(errors)).toEqual([]);
});
