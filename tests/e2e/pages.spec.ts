import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectPageErrors, seriousAccessibilityViolations } from './support/page-checks';

/** Every chapter in content/explainers (title from its front matter), so a new chapter is checked too. */
const chaptersDir = new URL('../../content/explainers/', import.meta.url);
const chapters = readdirSync(chaptersDir)
  .filter((file) => file.endsWith('.mdx'))
  .sort()
  .map((file) => {
    const title = /^title:\s*(.+)$/m.exec(readFileSync(new URL(file, chaptersDir), 'utf8'))?.[1]?.trim() ?? '';
    return { path: `/explainers/${file.replace(/\.mdx$/, '')}/`, heading: title };
  });

const pages = [
  { path: '/', heading: 'How a language model picks its next token' },
  ...chapters,
  { path: '/dev/runtime/', heading: 'Runtime development page' },
  { path: '/dev/endurance/', heading: 'Endurance development page' },
];

test('every chapter is checked', () => {
  expect(chapters.length).toBeGreaterThanOrEqual(5);
  expect(chapters.every((c) => c.heading.length > 0)).toBe(true);
});

for (const { path, heading } of pages) {
  test(`${path} renders its heading, has no console errors and no serious accessibility violations`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectPageErrors(page);
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    // Scroll to the end in steps, so every figure comes into view (and loads its models).
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 1500);
    await page.waitForLoadState('networkidle');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // Headings never skip a level (h2 then h4), figures' own headings included: screen-reader
    // users navigate by them, and Lighthouse marks a skip down.
    const levels = await page.evaluate(() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')].map((h) => Number(h.tagName[1])));
    const skips = levels.flatMap((level, i) => (i > 0 && level > levels[i - 1] + 1 ? [`h${levels[i - 1]} then h${level}`] : []));
    expect(skips).toEqual([]);
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

for (const { path, heading } of pages) {
  test(`${path} fits a phone-width screen without sideways scrolling and passes the accessibility scan there`, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const errors = collectPageErrors(page);
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await page.waitForLoadState('networkidle');
    // Wide formulas and charts scroll inside their own box; the page itself must not.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test.describe('in the dark theme', () => {
  test.use({ colorScheme: 'dark' });
  for (const { path, heading } of chapters) {
    test(`${path} with every figure loaded passes the accessibility scan (contrast included)`, async ({ page }) => {
      test.setTimeout(120_000);
      const errors = collectPageErrors(page);
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
      for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 1500);
      await page.waitForLoadState('networkidle');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});

test('each chapter ends with links to the previous and the next chapter, in order', async ({ page }) => {
  for (const [i, { path }] of chapters.entries()) {
    await page.goto(path);
    const pager = page.getByRole('navigation', { name: 'Previous and next chapter' });
    const previous = pager.locator('a[rel="prev"]');
    const next = pager.locator('a[rel="next"]');
    if (i === 0) await expect(previous).toHaveCount(0);
    else await expect(previous).toHaveAttribute('href', new RegExp(`${chapters[i - 1].path}$`));
    if (i === chapters.length - 1) await expect(next).toHaveCount(0);
    else {
      await expect(next).toHaveAttribute('href', new RegExp(`${chapters[i + 1].path}$`));
      await expect(next).toContainText(chapters[i + 1].heading);
    }
  }
});

test('each chapter lists its sections in "On this page", and every section heading links to itself', async ({ page }) => {
  let checked = 0;
  for (const { path } of chapters) {
    await page.goto(path);
    // Section headings: the chapter's own h2/h3, at the top level of its article or of one of its
    // sections (rehype-chapter-sections), the anchor's wrapper included. Headings inside figures,
    // asides and model cards are not sections.
    const sections = await page.evaluate(() =>
      [
        ...document.querySelectorAll(
          ':is(article, article > .chapter-section) > :is(h2, h3), :is(article, article > .chapter-section) > .heading-anchored > :is(h2, h3)',
        ),
      ]
        .map((h) => {
          const link = h.parentElement?.querySelector(':scope > a.heading-anchor');
          return { id: h.id, href: link?.getAttribute('href') ?? null, name: link?.getAttribute('aria-label') ?? '' };
        }),
    );
    const toc = page.getByRole('navigation', { name: 'On this page' });
    if (sections.length === 0) {
      await expect(toc).toHaveCount(0);
      continue;
    }
    for (const section of sections) {
      expect(section.id, `${path}: every section heading has an id`).not.toBe('');
      expect(section.href, `${path}: #${section.id} links to itself`).toBe(`#${section.id}`);
      expect(section.name).toMatch(/^Link to section: \S/);
      await expect(page.getByRole('link', { name: section.name, exact: true })).toHaveCount(1);
    }
    // The contents list every section, in order, under the heading's own words.
    const entries = await toc.locator('a').evaluateAll((links) => links.map((a) => ({ href: a.getAttribute('href'), text: a.textContent?.trim() })));
    expect(entries, path).toEqual(sections.map((s) => ({ href: `#${s.id}`, text: s.name.replace('Link to section: ', '') })));
    for (const { href } of entries) await expect(page.locator(href ?? '')).toHaveCount(1);
    checked += sections.length;
  }
  expect(checked, 'sections found at all').toBeGreaterThan(20);
});

test('on a wide screen the contents are shown open; on a phone they are a closed toggle', async ({ page }) => {
  const path = chapters[0].path;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(path);
  const toc = page.getByRole('navigation', { name: 'On this page' });
  await expect(toc.getByRole('link').first()).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(toc.getByRole('link').first()).toBeHidden();
  await toc.getByText('On this page').click();
  await expect(toc.getByRole('link').first()).toBeVisible();
  // Following an entry scrolls its section into view.
  const first = toc.getByRole('link').first();
  const target = (await first.getAttribute('href')) ?? '';
  await first.click();
  await expect(page).toHaveURL(new RegExp(`${target}$`));
  await expect(page.locator(target)).toBeInViewport();
});

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('every page has a share card whose image is a 1200x630 PNG in the build', async ({ page }) => {
  const dist = resolve(process.env.ASTRO_OUT_DIR ?? 'dist');
  for (const { path, heading } of pages.filter((p) => !p.path.startsWith('/dev/'))) {
    await page.goto(path);
    const meta = async (selector: string): Promise<string | null> => page.locator(`head meta[${selector}]`).getAttribute('content');
    expect(await meta('property="og:title"')).toBe(heading);
    expect(await meta('property="og:description"')).toBe(await meta('name="description"'));
    expect(await meta('property="og:type"')).toBe(path === '/' ? 'website' : 'article');
    expect(await meta('name="twitter:card"')).toBe('summary_large_image');
    const image = new URL((await meta('property="og:image"')) ?? '');
    expect(image.protocol, 'og:image is an absolute URL').toMatch(/^https?:$/);
    const file = join(dist, decodeURIComponent(image.pathname));
    expect(existsSync(file), `${path}: ${file} exists`).toBe(true);
    expect(pngSize(readFileSync(file))).toEqual({ width: 1200, height: 630 });
  }
});
