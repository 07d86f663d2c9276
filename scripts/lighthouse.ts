/**
 * npm run lighthouse: Lighthouse (the npm package) in Debian's Chromium on every page of the
 * built site (dist/, so `npm run build` first; /dev/ pages are tools, not part of the site), with
 * the mobile preset (Lighthouse's default) and the desktop preset. Writes docs/lighthouse.json and
 * docs/lighthouse.md.
 *
 * The site is served as a static host would serve it (bench/server.ts: the headers of
 * dist/_headers, and gzip). Performance is measured with Lighthouse's simulated throttling, which
 * still scales the CPU time it observes: on a busy machine the scores drop, so the load average
 * is recorded beside them. Never run in CI: nothing asserts a score.
 *
 * Flags: --mobile (mobile preset only), --page /path/ (one page; repeatable), --port N,
 * --runs N (audit each page N times and keep the run with the median performance score, as
 * Lighthouse's docs advise against variance; default 1).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { launch } from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { STATIC_HOST_HEADERS } from '../integrations/security-policy.mjs';
import { serveStatic } from '../bench/server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { lighthouseMarkdown, type LighthouseReport, type PageResult, summarize } from './lighthouse-report';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
// chrome-launcher starts the browser itself, so it is told to run headless.
const CHROME_FLAGS = ['--headless=new', ...CHROMIUM_ARGS];

function argValues(name: string): string[] {
  return process.argv.flatMap((arg, i) => (arg === name && process.argv[i + 1] ? [process.argv[i + 1]] : []));
}

/** Every built page's path, /dev/ excluded. */
function builtPages(dir: string): string[] {
  const pages: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (relative(DIST, path) !== 'dev') pages.push(...builtPages(path));
    } else if (entry === 'index.html') {
      const rel = relative(DIST, dir);
      pages.push(rel === '' ? '/' : `/${rel}/`);
    }
  }
  return pages.sort();
}

type Run = PageResult['runs'][number];

async function audit(url: string, preset: 'mobile' | 'desktop'): Promise<Run> {
  const chrome = await launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROME_FLAGS });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' }, preset === 'desktop' ? desktopConfig : undefined);
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    if (result.lhr.runtimeError) throw new Error(`${url}: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
    return { preset, performanceScores: [], ...summarize(result.lhr) };
  } finally {
    chrome.kill();
  }
}

/** Lighthouse sometimes loses the trace on a busy machine (NO_NAVSTART); such a run is tried again, twice at most. */
async function auditWithRetry(url: string, preset: 'mobile' | 'desktop'): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await audit(url, preset);
    } catch (error) {
      if (attempt === 3) throw error;
      console.warn(`${url} ${preset}: ${String(error)}; trying again`);
    }
  }
}

async function main(): Promise<void> {
  const presets = process.argv.includes('--mobile') ? (['mobile'] as const) : (['mobile', 'desktop'] as const);
  const port = Number(argValues('--port')[0] ?? 4396);
  const only = argValues('--page');
  const repeats = Math.max(1, Number(argValues('--runs')[0] ?? 1));
  const paths = only.length > 0 ? only : builtPages(DIST);
  const server = await serveStatic(DIST, port, STATIC_HOST_HEADERS, { gzip: true });
  const startLoad = loadavg();
  const started = Date.now();
  const pages: PageResult[] = [];
  try {
    for (const path of paths) {
      const runs = [];
      for (const preset of presets) {
        const tries: Run[] = [];
        for (let i = 0; i < repeats; i++) tries.push(await auditWithRetry(`${server.url}${path}`, preset));
        const sorted = [...tries].sort((a, b) => a.scores.performance - b.scores.performance);
        const run = { ...sorted[Math.floor((sorted.length - 1) / 2)], performanceScores: tries.map((t) => t.scores.performance) };
        console.log(`${path} ${preset}: ${Object.values(run.scores).join(' / ')} ${run.failed.join(' ')}${repeats > 1 ? ` (performance ${run.performanceScores.join(', ')})` : ''}`);
        runs.push(run);
      }
      pages.push({ path, runs });
    }
  } finally {
    await server.close();
  }
  const report: LighthouseReport = {
    lighthouseVersion: (await import('lighthouse/package.json', { with: { type: 'json' } })).default.version,
    chromium: CHROMIUM_PATH,
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    runsPerPage: repeats,
    loadAverage: { start: startLoad.map((n) => Number(n.toFixed(2))), end: loadavg().map((n) => Number(n.toFixed(2))) },
    pages,
  };
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(join(ROOT, 'docs', 'lighthouse.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(ROOT, 'docs', 'lighthouse.md'), lighthouseMarkdown(report));
  console.log(`lighthouse: ${pages.length} pages in ${report.seconds} s; wrote docs/lighthouse.md and docs/lighthouse.json`);
}

await main();
