/**
 * The WebGPU path, in Chromium with --enable-unsafe-webgpu (a software adapter): Auto picks
 * WebGPU and says why, and the expert's logits on WebGPU equal those on WASM within 1e-3 over
 * several greedy steps, every token of the vocabulary compared.
 */
import { expect, test } from '@playwright/test';
import { DEV_PROMPT } from '../../src/components/dev/specs';
import { collectPageErrors, waitForIslands } from './support/page-checks';

test('WebGPU runs the bundled expert with the logits WASM gives (max abs difference <= 1e-3)', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectPageErrors(page);
  await page.goto('/dev/runtime/');
  await waitForIslands(page);
  const result = await page.evaluate(async (prompt) => {
    type Client = import('../../src/lib/runtime/client').RuntimeClient;
    type Trace = import('../../src/lib/decoding').SamplingTrace;
    const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
    const run = async (device: 'auto' | 'wasm') => {
      const client = runtime.createBrowserRuntime();
      try {
        const loaded = await client.load('expert', { device });
        // topN = the whole vocabulary: every logit of every step is in the trace.
        const session = await client.open({ method: 'sampling', model: 'expert', prompt, sampling: { temperature: 0 }, topN: 4096 });
        const logits: number[][] = [];
        const tokens: number[] = [];
        for (let i = 0; i < 4; i++) {
          const step = await session.step();
          if (step.kind !== 'step') throw new Error(step.message);
          const trace = step.trace as Trace;
          const row = new Array<number>(4096).fill(Number.NaN);
          for (const entry of trace.before) row[entry.token] = entry.score ?? Number.NaN;
          logits.push(row);
          tokens.push(step.tokens[0]);
        }
        return { device: loaded.device, logits, tokens };
      } finally {
        client.close();
      }
    };
    const gpu = await run('auto');
    const cpu = await run('wasm');
    let maxDiff = 0;
    let compared = 0;
    gpu.logits.forEach((row, s) =>
      row.forEach((value, id) => {
        maxDiff = Math.max(maxDiff, Math.abs(value - cpu.logits[s][id]));
        compared++;
      }),
    );
    return { gpuDevice: gpu.device, cpuDevice: cpu.device, maxDiff, compared, gpuTokens: gpu.tokens, cpuTokens: cpu.tokens };
  }, DEV_PROMPT);

  expect(result.gpuDevice.device).toBe('webgpu');
  expect(result.gpuDevice.reason).toMatch(/^WebGPU is available \(/);
  expect(result.cpuDevice.device).toBe('wasm');
  expect(result.compared).toBe(4 * 4096);
  console.log(`WebGPU vs WASM: max abs logit difference ${result.maxDiff.toExponential(2)} over ${result.compared} logits`);
  expect(result.maxDiff).toBeLessThanOrEqual(1e-3);
  expect(result.gpuTokens).toEqual(result.cpuTokens);
  expect(errors).toEqual([]);
});
