import { expect, test, type Page } from '@playwright/test';
import { finalDistribution, softmax, type SamplingOptions } from '../../src/lib/decoding';
import { exampleLogits, exampleTokens } from '../../src/components/widgets/distribution-explorer/fixed-logits';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';

const chapter = '/explainers/01-logits-to-text/';

async function openFigure(page: Page) {
  await page.goto(chapter);
  // The chapter has several figures; this one is the fixed-example explorer.
  const figure = page.locator('figure.explorer');
  await waitForIslandOf(page, 'figure.explorer');
  return figure;
}

async function shownColumn(page: Page, testId: string): Promise<number[]> {
  const cells = await page.getByTestId(testId).allTextContents();
  return cells.map(Number);
}

/** What the decoding core computes for these settings, rounded as the table shows it. */
function expectedColumn(settings: SamplingOptions, column: 'before' | 'after'): number[] {
  const probs = column === 'before' ? softmax(exampleLogits) : finalDistribution(exampleLogits, [], settings);
  return Array.from(probs, (p) => Number(p.toFixed(3)));
}

test('the figure shows the decoding core numbers and follows every slider', async ({ page }) => {
  const errors = collectPageErrors(page);
  const figure = await openFigure(page);
  const defaults = { temperature: 1, topK: 0, topP: 1, minP: 0 };
  expect(await shownColumn(page, 'prob-before')).toEqual(expectedColumn(defaults, 'before'));
  expect(await shownColumn(page, 'prob-after')).toEqual(expectedColumn(defaults, 'after'));

  // The last column is worked out by hand: at T = 0.5 the top five probabilities are about
  // .751, .124, .068, .046, .011, so top-p 0.8 keeps two, and min-p 0.3 drops " floor" (.124 < .3 x .751).
  const steps: Array<[string, string, Partial<typeof defaults>, number]> = [
    ['Temperature', '0.5', { temperature: 0.5 }, 12],
    ['Top-k', '5', { topK: 5 }, 5],
    ['Top-p', '0.8', { topP: 0.8 }, 2],
    ['Min-p', '0.3', { minP: 0.3 }, 1],
  ];
  let settings = { ...defaults };
  for (const [name, value, change, keptByHand] of steps) {
    await figure.getByRole('slider', { name }).fill(value);
    settings = { ...settings, ...change };
    const expected = expectedColumn(settings, 'after');
    await expect.poll(() => shownColumn(page, 'prob-after')).toEqual(expected);
    const kept = finalDistribution(exampleLogits, [], settings).filter((p) => p > 0).length;
    expect(kept).toBe(keptByHand);
    await expect(figure.getByText(`${kept} of ${exampleTokens.length} tokens can still be chosen`)).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('temperature 0 is greedy: only the most likely token keeps probability', async ({ page }) => {
  const figure = await openFigure(page);
  await figure.getByRole('slider', { name: 'Temperature' }).fill('0');
  await expect(figure.getByText('1 of 12 tokens can still be chosen (greedy)')).toBeVisible();
  const after = await shownColumn(page, 'prob-after');
  expect(after[0]).toBe(1);
  expect(after.slice(1).every((p) => p === 0)).toBe(true);
});

test('sliders step with the keyboard', async ({ page }) => {
  const figure = await openFigure(page);
  const topK = figure.getByRole('slider', { name: 'Top-k' });
  await topK.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(topK).toHaveValue('2');
  await expect(figure.getByText('2 of 12 tokens can still be chosen')).toBeVisible();
});

test('token text is shown literally with whitespace made visible', async ({ page }) => {
  const figure = await openFigure(page);
  const rowHeaders = figure.getByRole('rowheader');
  await expect(rowHeaders.first()).toHaveText('␣mat');
  await expect(rowHeaders.nth(10)).toHaveText('⏎');
  // The chart is an Observable Plot SVG with labelled axes.
  await expect(figure.locator('svg').getByText('Probability →')).toBeVisible();
});

test('the chart redraws at the new width when the window resizes', async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  const figure = await openFigure(page);
  const chart = figure.locator('svg[role="img"]');
  await expect(chart).toHaveCount(1);
  const wide = Number(await chart.getAttribute('width'));
  await page.setViewportSize({ width: 420, height: 900 });
  await expect.poll(async () => Number(await figure.locator('svg[role="img"]').getAttribute('width'))).toBeLessThan(wide);
  const narrow = Number(await figure.locator('svg[role="img"]').getAttribute('width'));
  // Never wider than its column, never narrower than the chart's minimum.
  const column = await figure.evaluate((el) => el.clientWidth);
  expect(narrow).toBeLessThanOrEqual(Math.max(280, column));
  expect(narrow).toBeGreaterThanOrEqual(280);
  await expect(figure.getByRole('img', { name: /Probability of each candidate token/ })).toHaveCount(1);
});

test('on the home page the explorer shows its chart at once and runs its script only once used', async ({ page }) => {
  const errors = collectPageErrors(page);
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
  });
  await page.goto('/');
  const figure = page.locator('figure.explorer');
  const island = page.locator('astro-island', { has: figure });
  // Drawn at build time: the chart, its axis and the numbers are there before any script runs.
  await expect(figure.getByRole('img', { name: 'Probability of each candidate token, bars after the settings, ticks before' })).toBeVisible();
  await expect(figure.locator('svg').getByText('Probability →')).toBeVisible();
  expect(await shownColumn(page, 'prob-after')).toEqual(expectedColumn({ temperature: 1, topK: 0, topP: 1, minP: 0 }, 'after'));
  await page.waitForLoadState('networkidle');
  const componentUrl = new URL((await island.getAttribute('component-url'))!, page.url()).pathname;
  expect(scripts).not.toContain(componentUrl);
  await expect(island).toHaveAttribute('ssr', '');

  // The first touch hydrates it, and the value set by that touch counts.
  await figure.getByRole('slider', { name: 'Temperature' }).fill('0');
  await expect(figure.getByText('1 of 12 tokens can still be chosen (greedy)')).toBeVisible();
  expect(scripts).toContain(componentUrl);
  await expect(island).not.toHaveAttribute('ssr');
  // Then Observable Plot redraws the chart from the live numbers.
  await expect(figure.locator('svg').getByText('1.000')).toBeVisible();
  expect(errors).toEqual([]);
});
