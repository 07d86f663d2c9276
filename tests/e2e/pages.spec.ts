import { expect, test } from '@playwright/test';
import { collectPageErrors, seriousAccessibilityViolations } from './support/page-checks';

const pages = [
  { path: '/', heading: 'How a language model picks its next token' },
  { path: '/explainers/01-logits-to-text/', heading: 'From logits to text' },
  { path: '/dev/runtime/', heading: 'Runtime development page' },
];

for (const { path, heading } of pages) {
  test(`${path} renders its heading, has no console errors and no serious accessibility violations`, async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await page.mouse.wheel(0, 4000);
    await page.waitForLoadState('networkidle');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('the home page links to the first chapter and the chapter renders its maths', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('main').getByRole('link', { name: 'From logits to text' }).click();
  await expect(page).toHaveURL(/\/explainers\/01-logits-to-text\/?$/);
  await expect(page.getByRole('heading', { level: 1, name: 'From logits to text' })).toBeVisible();
  // KaTeX renders MathML beside the visual form; its presence proves remark-math + rehype-katex ran.
  await expect(page.locator('.katex-display math').first()).toBeAttached();
  await expect(page.getByRole('navigation', { name: 'Chapters' }).getByRole('link', { name: 'From logits to text' })).toHaveAttribute(
    'aria-current',
    'page',
  );
});
