/**
 * The browser side of loading: a second visit loads the bundled models from the browser's cache
 * (no bytes over the network), and a damaged download ends in a 'corrupt' error whose retry
 * works, because the damaged copy is removed from the cache.
 */
import { expect, test, type Page } from '@playwright/test';
import { findModel } from '../../src/lib/runtime/registry';
import { waitForIslands } from './support/page-checks';

interface LoadSummary {
  bytes: number;
  device: string;
}

async function loadInPage(page: Page, model: string): Promise<LoadSummary | { kind: string; message: string; action: string }> {
  return page.evaluate(async (name) => {
    type Client = import('../../src/lib/runtime/client').RuntimeClient;
    const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
    const client = runtime.createBrowserRuntime();
    try {
      const loaded = await client.load(name, { device: 'wasm' });
      return { bytes: loaded.bytes, device: loaded.device.device };
    } catch (error) {
      const e = error as { kind: string; message: string; action: string };
      return { kind: e.kind, message: e.message, action: e.action };
    } finally {
      client.close();
    }
  }, model);
}

test('a second visit loads the bundled model from the browser cache', async ({ page }) => {
  test.setTimeout(120_000);
  const modelRequests: string[] = [];
  page.context().on('request', (request) => {
    if (request.url().includes('/models/amateur/')) modelRequests.push(new URL(request.url()).pathname);
  });
  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const first = await loadInPage(page, 'amateur');
  expect(first).toEqual({ bytes: findModel('amateur')!.downloadBytes, device: 'wasm' });
  expect(modelRequests).toContain('/models/amateur/onnx/model.onnx');

  modelRequests.length = 0;
  await page.reload();
  await waitForIslands(page);
  const second = await loadInPage(page, 'amateur');
  expect(second).toEqual({ bytes: 0, device: 'wasm' });
  expect(modelRequests).toEqual([]);
});

test('a corrupt model file ends in a corrupt error that says what to do, and a retry then works', async ({ page }) => {
  test.setTimeout(120_000);
  await page.context().route('**/models/expert-early/onnx/model.onnx', (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.alloc(200_000, 7) }),
  );
  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const failed = await loadInPage(page, 'expert-early');
  expect(failed).toMatchObject({ kind: 'corrupt' });
  expect((failed as { action: string }).action).toMatch(/removed from this browser's cache: retry/);

  await page.context().unroute('**/models/expert-early/onnx/model.onnx');
  const retried = await loadInPage(page, 'expert-early');
  expect(retried).toMatchObject({ device: 'wasm' });
});

test('a missing model file (HTTP 404) ends in a not-found error naming the file', async ({ page }) => {
  test.setTimeout(60_000);
  await page.context().route('**/models/expert/tokenizer.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const failed = await loadInPage(page, 'expert');
  expect(failed).toMatchObject({ kind: 'not-found' });
  expect((failed as { message: string }).message).toMatch(/^tokenizer\.json of Bundled expert .* is not on the server \(HTTP 404/);
});
