/**
 * At 1280 x 900 the core of every live figure fits one screen: from the figure's top, its
 * controls column (caption, load status, parameters, step buttons) and its first chart both end
 * within 900 px. Details (tables, per-step breakdowns) may lie below or behind a disclosure.
 * Stepping must not move the figure on the page either.
 */
import { readdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { liveWidgetIds } from './support/widget-checks';

const SCREEN = { width: 1280, height: 900 };
const chapters = readdirSync(new URL('../../content/explainers/', import.meta.url))
  .filter((file) => file.endsWith('.mdx'))
  .sort()
  .map((file) => `/explainers/${file.replace(/\.mdx$/, '')}/`);

test.use({ viewport: SCREEN });

for (const path of chapters) {
  test(`${path}: each live figure's controls and first chart fit one 1280x900 screen`, async ({ page }) => {
    await page.goto(path);
    for (const id of await liveWidgetIds(page)) {
      const figure = page.locator(`figure[data-widget="${id}"]`);
      await figure.scrollIntoViewIfNeeded();
      // The precomputed example draws its charts before any model loads (the playground has none).
      const charts = figure.locator('.figure-stage .chart');
      if ((await charts.count()) > 0) await expect(charts.first().locator('svg').first()).toBeVisible();
      const extents = await figure.evaluate((f) => {
        const top = f.getBoundingClientRect().top;
        // The side column stretches to the figure's height; its content ends with its last child.
        const side = f.querySelector('.figure-side > :last-child')!.getBoundingClientRect();
        const firstChart = f.querySelector('.figure-stage .chart')?.getBoundingClientRect() ?? side;
        return { controls: Math.round(side.bottom - top), chart: Math.round(firstChart.bottom - top) };
      });
      expect(extents.controls, `${id}: controls end ${extents.controls} px below the figure's top`).toBeLessThanOrEqual(SCREEN.height);
      expect(extents.chart, `${id}: first chart ends ${extents.chart} px below the figure's top`).toBeLessThanOrEqual(SCREEN.height);
    }
  });
}

test('stepping keeps the figure in place: the page does not scroll under the reader', async ({ page }) => {
  test.setTimeout(120_000);
  // A prompt whose DoLa continuations run past 14 steps (the default one ends at step 10).
  await page.goto(`/explainers/03-dola/?dola.prompt=${encodeURIComponent('The old man looked at the sea and said that')}`);
  const figure = page.locator('figure[data-widget="dola"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure.getByTestId('device-badge')).toBeVisible({ timeout: 90_000 });
  // No precomputed example for this prompt: the figure starts live, at step 0.
  await expect(figure.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 90_000 });
  await expect(figure.getByTestId('step-count')).toHaveText('0');
  await figure.evaluate((f) => f.scrollIntoView({ block: 'start' }));
  const where = () => page.evaluate(() => ({ scrollY: Math.round(window.scrollY), top: Math.round(document.querySelector('figure[data-widget="dola"]')!.getBoundingClientRect().top) }));
  const before = await where();
  await figure.focus();
  for (let i = 1; i <= 14; i++) {
    await page.keyboard.press('ArrowRight');
    await expect(figure.getByTestId('step-count')).toHaveText(String(i));
  }
  // 14 steps overflow the step table's box, which scrolls by itself; the page stays put.
  expect(await where()).toEqual(before);
  const box = figure.getByRole('region', { name: 'The chosen layers, scrollable' });
  expect(await box.evaluate((b) => b.scrollTop)).toBeGreaterThan(0);
});
