/**
 * A worker starts onnxruntime's plain WASM build when its first model runs on WASM; that build has
 * no WebGPU. A later model on WebGPU in the same worker is then refused with what happened and
 * what to do (forced), or runs on WASM and says why (Auto); nothing breaks. Needs a WebGPU adapter.
 */
import { expect, test } from '@playwright/test';
import { waitForIslands } from './support/page-checks';

test('after a first model on WASM, WebGPU is refused with a message (forced) or runs on WASM and says why (Auto)', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const outcome = await page.evaluate(async () => {
    type Client = import('../../src/lib/runtime/client').RuntimeClient;
    const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
    const client = runtime.createBrowserRuntime();
    try {
      const first = await client.load('amateur', { device: 'wasm' });
      const forced = await client.load('expert', { device: 'webgpu' }).then(
        () => null,
        (error: { kind: string; message: string; action: string }) => ({ kind: error.kind, message: error.message, action: error.action }),
      );
      const auto = await client.load('expert', { device: 'auto' });
      const session = await client.open({ method: 'sampling', model: 'expert', prompt: 'The old man', sampling: { temperature: 0 } });
      const step = await session.step();
      return { first: first.device.device, forced, auto: auto.device, stepped: step.kind };
    } finally {
      client.close();
    }
  });
  expect(outcome.first).toBe('wasm');
  expect(outcome.forced).toEqual({
    kind: 'device',
    message: "An earlier model on this page started onnxruntime's WASM-only build, which cannot run WebGPU.",
    action: 'Choose WASM, or reload the page and load this model on WebGPU first.',
  });
  expect(outcome.auto.device).toBe('wasm');
  expect(outcome.auto.reason).toMatch(/^WebGPU is available \(.*\)\. An earlier model on this page started onnxruntime for WASM only, so this one runs on WASM too\.$/);
  expect(outcome.stepped).toBe('step');
});
