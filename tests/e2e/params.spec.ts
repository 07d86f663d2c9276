/**
 * Hostile URLs and sliders at their ends, on every chapter with live widgets. Each widget's
 * parameters come from its params.ts (found by folder), so a new widget is covered: every value is
 * replaced by something broken (NaN, Infinity, -Infinity, far out of range, negative, words, hex,
 * empty, repeated, an unknown key, blank or over-long or HTML-like text). The page must show each
 * notice parseParams gives, no "NaN" / "Infinity" / "undefined" outside the notices, no console
 * error, and every widget must still step; then every slider is pressed to Home and End, must
 * reach its parameter's min and max (the URL then reads back with no notice), and the widgets must
 * still step with every count (beams, gamma, tokens, rounds) at its largest.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseParams, type ParamSpec } from '../../src/lib/site/url-state';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';
import {
  BROKEN_VALUE,
  currentParams,
  expectSlidersShowTheirValues,
  expectWidgetSteps,
  liveWidgetIds,
  textOutsideNotices,
  widgetParams,
  type WidgetParams,
} from './support/widget-checks';

const CHAPTERS = readdirSync(join(import.meta.dirname, '..', '..', 'content', 'explainers'))
  .filter((file) => file.endsWith('.mdx'))
  .map((file) => `/explainers/${file.replace(/\.mdx$/, '')}/`);

const NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '1e309', '-5', 'abc', '', '0x10', '2.5e2', ' 7 '];
const TEXTS = ['', ' \n\t ', 'x'.repeat(2500), '<img src=x onerror="window.__pwned=1">'];

/** A broken value for the i-th parameter (rotating through the kinds, so each kind is used). */
function hostile(spec: ParamSpec, i: number): string {
  if (spec.kind === 'number') return NUMBERS[i % NUMBERS.length];
  if (spec.kind === 'choice') return i % 2 === 0 ? 'bogus' : spec.values[0].toUpperCase();
  return TEXTS[i % TEXTS.length];
}

/** One query string breaking every parameter of every widget, with repeated and unknown keys. */
function hostileQuery(widgets: WidgetParams[]): URLSearchParams {
  const params = new URLSearchParams();
  let i = 0;
  for (const { prefix, schema } of widgets) {
    for (const [key, spec] of Object.entries(schema)) {
      // Every third parameter is given twice: first a valid value, then the broken one.
      if (i % 3 === 0) params.append(`${prefix}.${key}`, String(spec.default));
      params.append(`${prefix}.${key}`, hostile(spec, i));
      i++;
    }
    params.append(`${prefix}.bogus`, '1');
  }
  params.append('unrelated', 'NaN');
  return params;
}

async function noBrokenValues(page: Page): Promise<void> {
  const text = await textOutsideNotices(page);
  expect(text.match(BROKEN_VALUE)?.[0] ?? null).toBeNull();
}

test.describe('hostile URLs and sliders at their ends', () => {
  for (const chapter of CHAPTERS) {
    test(chapter, async ({ page }) => {
      test.setTimeout(240_000);
      const errors = collectPageErrors(page);
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const widgets = await widgetParams();
      const query = hostileQuery(widgets);
      await page.goto(`${chapter}?${query}`);
      const present = await liveWidgetIds(page);
      // A chapter with no live widget (model cards, results) has no slider either, and must shrug
      // off the same URL: the checks below then come down to no error, no dialog, no broken value.
      const slidersShowTheirValues = async () =>
        present.length > 0 ? expectSlidersShowTheirValues(page) : expect(page.locator('input[type="range"]')).toHaveCount(0);

      for (const id of present) {
        const params = widgets.find((w) => w.widget === id);
        expect(params, `figure "${id}" has a params.ts in src/components/widgets/${id}/`).toBeDefined();
        const selector = `figure[data-widget="${id}"]`;
        const widget = page.locator(selector);
        await waitForIslandOf(page, selector);
        const expected = parseParams(params!.schema, query, params!.prefix).notices;
        expect(expected.length).toBeGreaterThanOrEqual(Object.keys(params!.schema).length);
        const shown = widget.getByRole('status', { name: 'Notices' }).getByRole('listitem');
        await expect(shown.first()).toBeVisible();
        const texts = await shown.allTextContents();
        for (const notice of expected) expect(texts).toContain(notice);
        // The widget rewrote the URL with valid values only: it reads back with no notice.
        const now = await currentParams(page);
        expect(parseParams(params!.schema, now, params!.prefix).notices).toEqual([]);
      }

      await slidersShowTheirValues();
      await noBrokenValues(page);
      for (const id of present) await expectWidgetSteps(page, page.locator(`figure[data-widget="${id}"]`), `figure[data-widget="${id}"]`);

      // Every slider: Home then End; the one URL key it drives must reach its parameter's min and max.
      const sliders = page.locator('input[type="range"]');
      const count = await sliders.count();
      for (let s = 0; s < count; s++) {
        const slider = sliders.nth(s);
        const name = (await slider.evaluate((input) => (input as HTMLInputElement).labels?.[0]?.textContent)) ?? `slider ${s}`;
        const inLiveWidget = (await slider.evaluate((input) => input.closest('figure[data-widget]') !== null)) as boolean;
        await slider.focus();
        await page.keyboard.press('Home');
        const atHome = await currentParams(page);
        await page.keyboard.press('End');
        const atEnd = await currentParams(page);
        const changed = widgets.flatMap(({ prefix, schema }) =>
          Object.entries(schema)
            .filter(([key]) => atHome.get(`${prefix}.${key}`) !== atEnd.get(`${prefix}.${key}`))
            .map(([key, spec]) => ({ key: `${prefix}.${key}`, spec, prefix, schema })),
        );
        if (inLiveWidget) expect(changed, `${name} drives one URL parameter`).toHaveLength(1);
        expect(changed.length, `${name} drives at most one URL parameter`).toBeLessThanOrEqual(1);
        for (const { key, spec, prefix, schema } of changed) {
          if (spec.kind !== 'number') throw new Error(`${name} drives ${key}, which is not a number`);
          const value = (params: URLSearchParams) => Number(params.get(key) ?? spec.default);
          expect(value(atHome), `${name} at Home`).toBe(spec.min);
          expect(value(atEnd), `${name} at End`).toBe(spec.max);
          expect(parseParams(schema, atEnd, prefix).notices, `${name} at End`).toEqual([]);
        }
      }
      await slidersShowTheirValues();
      await noBrokenValues(page);
      // Every count at its largest: each widget still steps (bounded, so the page does not hang).
      for (const id of present) await expectWidgetSteps(page, page.locator(`figure[data-widget="${id}"]`), `figure[data-widget="${id}"]`);
      await noBrokenValues(page);

      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});
