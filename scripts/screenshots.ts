/**
 * npm run screenshots: the first screen of the home page and of every chapter, at 1280x900 and
 * 390x844, light and dark, into docs/screenshots/, so a change to how the site looks shows in
 * review. Builds the site first unless --no-build; runs Debian's Chromium (no browser download).
 *
 * Each chapter is also shot with its first live figure scrolled into view, once the models have
 * loaded, since the figures are what the chapters are for.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { serveStatic } from '../bench/server';
import { ISOLATION_HEADERS } from '../integrations/security-policy.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
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
  await page.evaluate(() => window.scrollBy(0, -16));
  await page.screenshot({ path: file });
  return true;
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) {
    const built = spawnSync('npx', ['astro', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
    if (built.status !== 0) throw new Error(`astro build failed (${String(built.status)})`);
  }
  mkdirSync(OUT, { recursive: true });
  const server = await serveStatic(join(ROOT, 'dist'), 4395, ISOLATION_HEADERS);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
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
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`screenshots: wrote ${count} files to ${OUT}`);
}

await main();
