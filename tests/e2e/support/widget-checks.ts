/**
 * Checks shared by the hardening specs: the widgets' URL schemas (found from the widget folders,
 * so a new widget is covered), text on the page that must never show, sliders that must show the
 * value they hold, and "every live widget still steps".
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { ParamSchema } from '../../../src/lib/site/url-state';
import { waitForIslandOf } from './page-checks';

const WIDGETS_DIR = join(import.meta.dirname, '..', '..', '..', 'src', 'components', 'widgets');

export interface WidgetParams {
  /** The widget folder, which is also the figure's data-widget id. */
  widget: string;
  prefix: string;
  schema: ParamSchema;
}

/** Every widget folder with a params.ts (PREFIX + SCHEMA). */
export async function widgetParams(): Promise<WidgetParams[]> {
  const folders = readdirSync(WIDGETS_DIR).filter((name) => existsSync(join(WIDGETS_DIR, name, 'params.ts')));
  return Promise.all(
    folders.map(async (widget) => {
      const module = (await import(join(WIDGETS_DIR, widget, 'params.ts'))) as { PREFIX: string; SCHEMA: ParamSchema };
      return { widget, prefix: module.PREFIX, schema: module.SCHEMA };
    }),
  );
}

/**
 * The page's text without the notices (which quote what the URL held, "NaN" included) and
 * without scripts and styles: what a reader sees as the page's own words and numbers.
 */
export function textOutsideNotices(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true) as HTMLElement;
    for (const node of copy.querySelectorAll('script, style, template, .notices')) node.remove();
    const values = [...document.querySelectorAll('input, output, textarea')].map((el) => (el as HTMLInputElement).value);
    return `${copy.textContent ?? ''}\n${values.join('\n')}`;
  });
}

/** The page's query as the page itself has it (page.url() follows replaceState a moment later). */
export async function currentParams(page: Page): Promise<URLSearchParams> {
  return new URLSearchParams(await page.evaluate(() => location.search));
}

/** Words that mean a value went wrong on its way to the screen. */
export const BROKEN_VALUE = /\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]/;

/**
 * Every range input on the page shows (in its output) the value it holds, within half a step,
 * and holds a finite value inside its own range.
 */
export async function expectSlidersShowTheirValues(page: Page): Promise<void> {
  const rows = await page.locator('input[type="range"]').evaluateAll((inputs) =>
    (inputs as HTMLInputElement[]).map((input) => ({
      label: input.labels?.[0]?.textContent ?? input.id,
      value: input.valueAsNumber,
      min: Number(input.min),
      max: Number(input.max),
      step: Number(input.step) || 1,
      shown: (input.parentElement?.querySelector(`output[for="${input.id}"]`)?.textContent ?? '').trim(),
    })),
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(Number.isFinite(row.value), `${row.label} holds ${row.value}`).toBe(true);
    expect(row.value, row.label).toBeGreaterThanOrEqual(row.min);
    expect(row.value, row.label).toBeLessThanOrEqual(row.max);
    const shown = Number.parseFloat(row.shown);
    expect(Number.isFinite(shown), `${row.label} shows "${row.shown}"`).toBe(true);
    expect(Math.abs(shown - row.value), `${row.label} shows ${row.shown} but holds ${row.value}`).toBeLessThanOrEqual(row.step / 2 + 1e-9);
  }
}

/** The live widgets (figures driven by WidgetFrame) on the page. */
export async function liveWidgetIds(page: Page): Promise<string[]> {
  return page.locator('figure[data-widget]').evaluateAll((figures) => figures.map((f) => f.getAttribute('data-widget') ?? ''));
}

/**
 * Waits for the widget's models, then steps it once, as soon as Step is enabled (as a reader
 * would: a widget still replaying after a parameter change must keep Step disabled), and expects
 * the step count to grow. A widget at its end (stopped at end-of-text, or at its length) goes back
 * one step first, which proves it responds just as well.
 */
/** No alert in the widget; on failure the message names what the alerts say. */
export async function expectNoAlert(widget: Locator): Promise<void> {
  await expect.poll(() => widget.getByRole('alert').allTextContents()).toEqual([]);
}

export async function expectWidgetSteps(page: Page, widget: Locator, selector: string): Promise<void> {
  await waitForIslandOf(page, selector);
  await expect(widget.getByTestId('device-badge')).toBeVisible({ timeout: 90_000 });
  const count = widget.getByTestId('step-count');
  const stepButton = widget.getByRole('button', { name: 'Step →' });
  const backButton = widget.getByRole('button', { name: '← Back' });
  const idleAtEnd = async () => (await backButton.isEnabled()) && (await widget.getAttribute('aria-busy')) === 'false';
  await expect.poll(async () => (await stepButton.isEnabled()) || (await idleAtEnd()), { timeout: 120_000 }).toBe(true);
  if (await stepButton.isDisabled()) {
    const before = Number(await count.textContent());
    await backButton.click();
    await expect(count).toHaveText(String(before - 1), { timeout: 60_000 });
    await expect(widget).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  }
  await expect(stepButton).toBeEnabled();
  const before = Number(await count.textContent());
  await stepButton.click();
  try {
    await expect(count).not.toHaveText(String(before), { timeout: 60_000 });
  } catch (error) {
    throw new Error(`${(error as Error).message}\nThe widget shows:\n${await widget.innerText()}`, { cause: error });
  }
  expect(Number(await count.textContent())).toBeGreaterThan(before);
  await expectNoAlert(widget);
}
