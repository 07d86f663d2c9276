/**
 * A long session: the endurance page's live widget (the chapters' LiveSession and WidgetFrame, on
 * the bundled amateur) plays 2 000 steps, stopping at the 256-token context limit and resetting
 * each time, then switches models 20 times (amateur and the expert's early checkpoint, each load
 * releasing the other). Memory is read after a full garbage collection before and after each
 * phase: the page's JS heap, the worker's JS heap and array buffers (KV caches), and the worker's
 * WebAssembly memory (onnxruntime's heap, where model weights live). Growth must stay far below
 * what one leaked session or model per cycle would add, and the worker must end holding exactly
 * the widget's one model and one session, with no second worker.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { collectPageErrors } from './support/page-checks';
import { MemoryProbe, modelWorkers, RECORD_WASM_MEMORY, runInModelWorker } from './support/model-worker';

const WIDGET = 'figure[data-widget="endurance"]';
const STEPS = 2_000;
const SWITCHES = 20;
const MB = 1024 * 1024;

interface Sample {
  pageHeap: number;
  workerHeap: number;
  workerBuffers: number;
  wasm: number;
}

interface Stats {
  models: { model: string; references: number; device: string }[];
  sessions: number;
}

async function stats(page: Page): Promise<Stats> {
  return page.evaluate(() => (window as unknown as { decodingEndurance: { stats: () => Promise<Stats> } }).decodingEndurance.stats());
}

async function sample(page: Page, probe: MemoryProbe): Promise<Sample> {
  const [worker] = await probe.workers();
  const pageHeap = await probe.pageHeap();
  const workerHeap = await probe.workerHeap(worker);
  const wasm = await modelWorkers(page)[0].evaluate(() =>
    ((self as unknown as { __wasmMemories: WebAssembly.Memory[] }).__wasmMemories ?? []).reduce((sum, m) => sum + m.buffer.byteLength, 0),
  );
  return { pageHeap: pageHeap.used, workerHeap: workerHeap.used, workerBuffers: workerHeap.buffers, wasm };
}

/** Plays until the widget stops at the context limit; returns the steps taken. */
async function playToTheLimit(widget: Locator): Promise<number> {
  await widget.getByRole('button', { name: 'Play' }).click();
  await expect(widget.locator('.step-count')).toContainText('The context is full', { timeout: 60_000 });
  await expect(widget.getByRole('button', { name: 'Play' })).toHaveAttribute('aria-pressed', 'false');
  const steps = Number(await widget.getByTestId('step-count').textContent());
  await widget.getByRole('button', { name: 'Reset' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('0');
  return steps;
}

async function switchTo(page: Page, widget: Locator, model: string): Promise<void> {
  await widget.getByLabel('Model').selectOption(model);
  // The worker holds the new model once and one session on it; the old model is gone.
  await expect.poll(() => stats(page), { timeout: 30_000 }).toEqual({
    models: [{ model, references: 1, device: 'wasm' }],
    sessions: 1,
  });
  await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled();
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;

test('2 000 steps with resets at the context limit and 20 model switches keep memory flat and leave no worker or session behind', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  await runInModelWorker(page, RECORD_WASM_MEMORY);
  await page.goto('/dev/endurance/');
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  const probe = await MemoryProbe.open(page);

  // Warm-up: one cycle to the limit and one switch each way, so caches and pools exist.
  await playToTheLimit(widget);
  await switchTo(page, widget, 'expert-early');
  await switchTo(page, widget, 'amateur');
  const before = await sample(page, probe);

  let steps = 0;
  let cycles = 0;
  while (steps < STEPS) {
    steps += await playToTheLimit(widget);
    cycles++;
  }
  const afterSteps = await sample(page, probe);

  const models = Array.from({ length: SWITCHES }, (_, i) => (i % 2 === 0 ? 'expert-early' : 'amateur'));
  for (const model of models) await switchTo(page, widget, model);
  const afterSwitches = await sample(page, probe);

  const rows = [
    ['page JS heap', before.pageHeap, afterSteps.pageHeap, afterSwitches.pageHeap],
    ['worker JS heap', before.workerHeap, afterSteps.workerHeap, afterSwitches.workerHeap],
    ['worker array buffers', before.workerBuffers, afterSteps.workerBuffers, afterSwitches.workerBuffers],
    ['worker WebAssembly memory', before.wasm, afterSteps.wasm, afterSwitches.wasm],
  ] as const;
  console.log(
    `Endurance: ${steps} steps in ${cycles} cycles to the context limit, then ${SWITCHES} model switches (after GC):\n` +
      rows.map(([name, a, b, c]) => `  ${name.padEnd(26)} before ${mb(a)}, after the steps ${mb(b)}, after the switches ${mb(c)}`).join('\n'),
  );

  expect(steps).toBeGreaterThanOrEqual(STEPS);
  expect(cycles).toBeGreaterThanOrEqual(8);
  // Bounds: a few MB of slack for the engine; one leaked trace per step, one leaked KV cache per
  // cycle or one leaked model per switch would each add more than that.
  expect(afterSteps.pageHeap - before.pageHeap).toBeLessThan(2 * MB);
  expect(afterSteps.workerHeap - before.workerHeap).toBeLessThan(2 * MB);
  expect(afterSteps.workerBuffers - before.workerBuffers).toBeLessThan(2 * MB);
  expect(afterSteps.wasm - before.wasm).toBeLessThan(16 * MB);
  expect(afterSwitches.pageHeap - before.pageHeap).toBeLessThan(2 * MB);
  expect(afterSwitches.workerHeap - before.workerHeap).toBeLessThan(4 * MB);
  expect(afterSwitches.workerBuffers - before.workerBuffers).toBeLessThan(4 * MB);
  expect(afterSwitches.wasm - before.wasm).toBeLessThan(32 * MB);

  expect(await probe.workers()).toHaveLength(1);
  expect(modelWorkers(page)).toHaveLength(1);
  expect(await stats(page)).toEqual({ models: [{ model: models.at(-1), references: 1, device: 'wasm' }], sessions: 1 });
  expect(errors).toEqual([]);
});
