/**
 * `npx tsx bench/compare-steps.ts BASE_DIR NEW_DIR [--methods greedy,dola,cd] [--rounds N] [--steps N]`:
 * an A/B of step timings between two builds of the site (say, main's and a change's). Both are
 * served side by side and open in one browser, each page with its own worker and models; every
 * round times each method on one build, then on the other (the order alternates), so both share
 * the machine's state at every moment. Prints per method and build the medians of the wall time,
 * the worker's time, session.run and the decoding JS (the worker's time less the forward passes'
 * phases), and the expert's bare run. Nothing asserts a time.
 */
import { chromium, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import { ISOLATION_HEADERS } from '../integrations/security-policy.mjs';
import * as inPage from './in-page';
import { METHODS, specOf } from './methods';
import { prepareContext, waitForRuntime } from './runtime-page';
import { serveStatic } from './server';
import { median } from './stats';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const [baseDir, newDir] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (!baseDir || !newDir) throw new Error('usage: tsx bench/compare-steps.ts BASE_DIR NEW_DIR [--methods greedy,dola,cd] [--rounds N] [--steps N]');
const rounds = Number(option('rounds', '8'));
const steps = Number(option('steps', '16'));
const methods = option('methods', 'greedy,cd,dola').split(',').map((key) => {
  const entry = METHODS.find((m) => m.method === key);
  if (!entry) throw new Error(`unknown method ${key}; known: ${METHODS.map((m) => m.method).join(', ')}`);
  return entry;
});

const builds = { base: resolve(baseDir), new: resolve(newDir) } as const;
const servers = { base: await serveStatic(builds.base, 4395, ISOLATION_HEADERS), new: await serveStatic(builds.new, 4396, ISOLATION_HEADERS) };
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const context = await prepareContext(await browser.newContext());
const pages: Record<keyof typeof builds, Page> = {} as never;
for (const build of ['base', 'new'] as const) {
  const page = await context.newPage();
  await page.goto(`${servers[build].url}/dev/runtime/`);
  await waitForRuntime(page);
  await page.evaluate(inPage.prepareClient, { device: 'wasm', models: ['expert', 'amateur'] });
  pages[build] = page;
}

const samples: Record<string, Record<string, number[]>> = {};
const record = (key: string, field: string, values: number[]) => ((samples[key] ??= {})[field] ??= []).push(...values);
try {
  for (let round = 0; round <= rounds; round++) {
    for (const entry of methods) {
      const method = entry.method;
      for (const build of round % 2 === 0 ? (['base', 'new'] as const) : (['new', 'base'] as const)) {
        // Round 0 warms both builds up (V8 compiles the hot code with its optimizing tier meanwhile).
        const got = await pages[build].evaluate(inPage.stepLatency, { device: 'wasm', spec: specOf(entry), warmup: 0, reps: 1, steps });
        if (round === 0) continue;
        const profiled = got.filter((s) => s.profile !== null);
        const forward = (p: NonNullable<inPage.StepSample['profile']>) => p.inputsMs + p.runMs + p.logitsMs + p.kvMs;
        record(`${method} ${build}`, 'wall', got.map((s) => s.wallMs));
        record(`${method} ${build}`, 'worker', profiled.map((s) => s.profile!.workerMs));
        record(`${method} ${build}`, 'session.run', profiled.map((s) => s.profile!.runMs));
        record(`${method} ${build}`, 'decoding JS', profiled.map((s) => s.profile!.workerMs - forward(s.profile!)));
      }
    }
    if (round === 0) continue;
    for (const build of ['base', 'new'] as const) {
      const timed = await pages[build].evaluate(inPage.kvCache, { device: 'wasm', model: 'expert', contextTokens: 32, repeats: 8, bareOnly: true });
      record(`bare run ${build}`, 'session.run', timed.bareRunMs);
    }
  }
} finally {
  await browser.close();
  await Promise.all(Object.values(servers).map((s) => s.close()));
}
console.log(`step timings, ${rounds} rounds of ${steps} steps per method and build (base ${builds.base}, new ${builds.new}); medians in ms`);
for (const [key, fields] of Object.entries(samples)) {
  console.log(`${key.padEnd(22)} ${Object.entries(fields).map(([field, values]) => `${field} ${median(values).toFixed(2)}`).join('  ')}`);
}
