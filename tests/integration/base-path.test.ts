import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Builds the site as it would deploy under a GitHub-Pages-style sub-path and checks that every
 * internal link, script and stylesheet points inside that path at a file the build produced.
 */
const base = '/decoding-explainer/';
let outDir: string;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

function resolveOnDisk(url: string): string {
  const path = url.split(/[?#]/)[0].slice(base.length);
  const file = join(outDir, decodeURIComponent(path));
  return path === '' || path.endsWith('/') ? join(file, 'index.html') : file;
}

/** The environment for a child build, without what vitest itself puts there (BASE_URL would override --base). */
function buildEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' };
  for (const key of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'NODE_ENV', 'TEST', 'VITEST', 'VITEST_MODE', 'VITEST_POOL_ID', 'VITEST_WORKER_ID']) delete env[key];
  return env;
}

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'explainer-base-'));
  execFileSync('npx', ['astro', 'build', '--base', base, '--site', 'https://example.org'], {
    env: buildEnvironment(),
    stdio: 'pipe',
  });
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe(`a build under the base path ${base}`, () => {
  it('keeps every internal reference inside the base path and pointing at a built file', () => {
    const pages = htmlFiles(outDir);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    let checked = 0;
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      for (const match of html.matchAll(/\b(?:href|src|component-url|renderer-url|before-hydration-url)="([^"]+)"/g)) {
        const url = match[1];
        if (/^(https?:)?\/\//.test(url) || url.startsWith('#') || url.startsWith('mailto:')) continue;
        const where = `${relative(outDir, page)} -> ${url}`;
        expect(url.startsWith(base), where).toBe(true);
        expect(existsSync(resolveOnDisk(url)), where).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('moves inline scripts into files under the base path and writes the security headers', () => {
    let moved = 0;
    for (const page of htmlFiles(outDir)) {
      const html = readFileSync(page, 'utf8');
      const where = relative(outDir, page);
      expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? [], where).toEqual([]);
      expect(html, where).toContain('<meta http-equiv="Content-Security-Policy"');
      if (html.includes(`<script src="${base}_astro/inline.`)) moved++;
    }
    // Pages with islands had Astro's inline loader; the check above proved each file exists.
    expect(moved).toBeGreaterThan(0);
    expect(readFileSync(join(outDir, '_headers'), 'utf8')).toContain('Content-Security-Policy: ');
  });

  it('gives every page a share image and canonical link at the site URL under the base path', () => {
    for (const page of htmlFiles(outDir)) {
      const html = readFileSync(page, 'utf8');
      const where = relative(outDir, page);
      const image = /<meta property="og:image" content="([^"]+)"/.exec(html)?.[1] ?? '';
      expect(image.startsWith(`https://example.org${base}og/`), `${where}: ${image}`).toBe(true);
      expect(existsSync(resolveOnDisk(new URL(image).pathname)), where).toBe(true);
      expect(/<link rel="canonical" href="([^"]+)"/.exec(html)?.[1], where).toMatch(new RegExp(`^https://example\\.org${base}`));
    }
  });
});
