import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { collectPageErrors } from './support/page-checks';
import { speedTargets, verdict } from '../../src/lib/site/speed-targets';

/** The results page must show the committed measurement files, not numbers typed into it. */
const bench = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8'));
const evaluation = JSON.parse(readFileSync(new URL('../../eval/results.json', import.meta.url), 'utf8'));

async function rows(page: Page, testId: string): Promise<string[][]> {
  return page.getByTestId(testId).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim() ?? '')));
}

test('the results page shows the benchmark and the evaluation from their JSON files, with the machine and browser', async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto('/explainers/07-results/');
  await expect(page.getByRole('heading', { level: 1, name: 'Measured results' })).toBeVisible();

  const conditions = page.getByTestId('run-conditions');
  await expect(conditions).toContainText(bench.browser.version);
  await expect(conditions).toContainText(bench.machine.cpu);
  await expect(conditions).toContainText(evaluation.meta.machine.node);

  const speculative = await rows(page, 'speculative-speed');
  expect(speculative).toHaveLength(bench.speculative.length);
  const backendName = (device: string): string => bench.backends.find((b: { device: string }) => b.device === device)?.name ?? device;
  bench.speculative.forEach((r: { device: string; temperature: number; gamma: number; expectedSpeedup: number; measuredSpeedup: number }, i: number) => {
    expect(speculative[i].slice(0, 3)).toEqual([backendName(r.device), String(r.temperature), String(r.gamma)]);
    expect(speculative[i][6]).toBe(`${r.expectedSpeedup.toFixed(2)}×`);
    expect(speculative[i][7]).toBe(`${r.measuredSpeedup.toFixed(2)}×`);
  });

  const kv = await rows(page, 'kv-cache');
  expect(kv.map((r) => r[6])).toEqual(bench.kvCache.map((r: { speedup: number }) => `${r.speedup.toFixed(1)}×`));

  // Where each step's time goes, per backend, from the same file.
  for (const device of new Set(bench.steps.filter((s: { breakdown: unknown }) => s.breakdown).map((s: { device: string }) => s.device))) {
    const breakdown = await rows(page, `step-breakdown-${String(device)}`);
    const steps = bench.steps.filter((s: { device: string; breakdown: unknown }) => s.device === device && s.breakdown);
    expect(breakdown.map((r) => r[5])).toEqual(steps.map((s: { breakdown: { runMs: number } }) => s.breakdown.runMs.toFixed(2)));
  }

  // Each speed target with its verdict, judged from the same file.
  const targets = await rows(page, 'speed-targets');
  expect(targets.map((r) => [r[0], r[2], r[3]])).toEqual(speedTargets(bench).map((t) => [t.target, t.measured, verdict(t)]));

  const repetition = await rows(page, 'repetition');
  expect(repetition.map((r) => r.slice(1, 6))).toEqual(
    evaluation.text.map((r: { rep2: number; rep3: number; rep4: number; diversity: number; wordDiversity: number }) => [
      r.rep2.toFixed(1),
      r.rep3.toFixed(1),
      r.rep4.toFixed(1),
      r.diversity.toFixed(3),
      r.wordDiversity.toFixed(3),
    ]),
  );

  const dola = await rows(page, 'dola-accuracy');
  expect(dola.map((r) => r[1])).toEqual(evaluation.dola.map((r: { correct: number }) => String(r.correct)));

  const exactness = await rows(page, 'speculative-exactness');
  expect(exactness.map((r) => r[3])).toEqual(evaluation.speculative.map((r: { pValue: number }) => r.pValue.toFixed(2)));

  // The headline sentences are written from the same numbers.
  const firstBackend = bench.speculative.filter((r: { device: string }) => r.device === bench.speculative[0].device);
  const bestSpeedup = Math.max(...firstBackend.map((r: { measuredSpeedup: number }) => r.measuredSpeedup));
  await expect(page.getByTestId('headlines')).toContainText(`best measured speed-up was ${bestSpeedup.toFixed(2)}×`);

  // Each chart draws once it scrolls into view: speed-up, step latency (one per hardware backend:
  // WASM threaded and on one thread), KV cache, repetition, DoLa.
  const hardware = bench.backends.filter((b: { software: boolean }) => !b.software).length;
  await expect(page.locator('[data-chart="step-latency"]')).toHaveCount(hardware);
  for (const chart of ['step-latency', 'kv-cache', 'speedup', 'repetition', 'dola-layers']) {
    const charts = page.locator(`[data-chart="${chart}"]`);
    for (let i = 0; i < (await charts.count()); i++) {
      // A section above the chart can grow as it first renders (content-visibility: auto starts
      // it at an estimated height) and push the chart back out of view: scroll again, as a reader would.
      await expect(async () => {
        await charts.nth(i).scrollIntoViewIfNeeded();
        await expect(charts.nth(i).locator('svg[role="img"]')).toHaveAttribute('aria-label', /\d/, { timeout: 1000 });
      }).toPass({ timeout: 10_000 });
    }
  }
  // Plot draws one bar per static DoLa layer.
  const layers = evaluation.dola.filter((r: { bucket: string | null }) => r.bucket === 'static').length;
  await expect(page.locator('[data-chart="dola-layers"] svg[role="img"] rect')).toHaveCount(layers);
  expect(errors).toEqual([]);
});
