/**
 * npm run screenshots: the first screen of the home page and of every chapter, at 1280x900 and
 * 390x844, light and dark, into docs/screenshots/, so a change to how the site looks shows in
 * review. Builds the site first unless --no-build; runs Debian's Chromium (no browser download).
 *
 * Each chapter is also shot with its first live figure scrolled into view, once the models have
 * loaded, since the figures are what the chapters are for.
 *
 * It also writes the home page's chapter thumbnails, public/thumbnails/<chapter>-<scheme>.jpg: the
 * top of each chapter's first figure (or first chart) at half scale, in a 16:9 frame.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { serveStatic } from '../bench/server';
import { ISOLATION_HEADERS } from '../integrations/security-policy.mjs';
import { THUMBNAIL, thumbnailPath } from '../src/lib/site/thumbnails';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const PUBLIC = join(ROOT, 'public');
const SIZES = [
  { name: 'wide', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

const chapters = readdirSync(join(ROOT, 'content', 'explainers'))
  .filter((f) => f.endsWith('.mdx'))
  .sort()
  .map((f) => f.replace(/\.mdx$/, ''));

async function shootFirstFigure(page: Page, file: string): Promise<boolean> {
  const figure = page.locator('figure[data-widget]').first();
  if ((await figure.count()) === 0) return false;
  await figure.scrollIntoViewIfNeeded();
  // Live once the models are in (the badge names the device); precomputed steps show before that.
  await figure.getByTestId('device-badge').waitFor({ timeout: 60_000 }).catch(() => undefined);
  await page.waitForTimeout(800);
  // The figure's top at the top of the window: its caption, controls, text and main chart (a tall
  // figure scrolled "into view" is centred, which shows its middle).
  await figure.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -16));
  await page.waitForTimeout(200);
  await page.screenshot({ path: file });
  return true;
}

/** The stage of the first live figure, else the first chart (the models and results chapters). */
async function shootThumbnail(page: Page, file: string): Promise<void> {
  await page.locator('main .chart svg').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
  // The first drawn one (a chart inside a closed disclosure has no size); the models chapter's first table.
  const candidates = page.locator('figure[data-widget] .figure-stage, main .chart, main table');
  const drawn = await candidates.evaluateAll((elements) =>
    elements.map((e) => e.checkVisibility() && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0),
  );
  const index = drawn.indexOf(true);
  if (index < 0) throw new Error(`${file}: nothing to make a thumbnail of`);
  const stage = candidates.nth(index);
  // At the top of the window, so the whole frame lies inside it (a clip is cut at the window's edge).
  await stage.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(500);
  const box = await stage.boundingBox();
  if (!box) throw new Error(`${file}: nothing to make a thumbnail of`);
  const width = Math.min(box.width, THUMBNAIL.width);
  await page.screenshot({ path: file, type: 'jpeg', quality: 80, clip: { x: box.x, y: box.y, width, height: (width * THUMBNAIL.height) / THUMBNAIL.width } });
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) {
    const built = spawnSync('npx', ['astro', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
    if (built.status !== 0) throw new Error(`astro build failed (${String(built.status)})`);
  }
  mkdirSync(OUT, { recursive: true });
  mkdirSync(join(PUBLIC, 'thumbnails'), { recursive: true });
  const server = await serveStatic(join(ROOT, 'dist'), 4395, ISOLATION_HEADERS);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let count = 0;
  try {
    for (const size of SIZES) {
      for (const scheme of SCHEMES) {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: scheme });
        const page = await context.newPage();
        for (const [name, path] of [['home', '/'], ...chapters.map((c) => [c, `/explainers/${c}/`])] as const) {
          await page.goto(`${server.url}${path}`);
          await page.waitForLoadState('networkidle');
          await page.screenshot({ path: join(OUT, `${name}-${size.name}-${scheme}.png`) });
          count++;
          if (name !== 'home' && (await shootFirstFigure(page, join(OUT, `${name}-figure-${size.name}-${scheme}.png`)))) count++;
        }
        await context.close();
      }
    }
    for (const scheme of SCHEMES) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, deviceScaleFactor: THUMBNAIL.scale });
      const page = await context.newPage();
      for (const chapter of chapters) {
        await page.goto(`${server.url}/explainers/${chapter}/`);
        await shootThumbnail(page, join(PUBLIC, thumbnailPath(chapter, scheme)));
        count++;
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`screenshots: wrote ${count} files to ${OUT}`);
}

await main();
