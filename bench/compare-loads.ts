/**
 * `npx tsx bench/compare-loads.ts BASE_DIR NEW_DIR [--rate MBPS] [--rounds N] [--model ID]`:
 * an A/B of model loads between two builds of the site (say, main's and a change's), served side
 * by side and visited in turn, so both share the machine's state at every moment. Per build:
 *   cold     a fresh off-the-record context: nothing cached;
 *   first    the first visit in an on-disk profile (a reader's);
 *   second+  later visits in that profile: models from the Cache API, compiled code from
 *            Chromium's code cache.
 * --rate serves the .onnx and .wasm files at that many megabytes per second, as a real link
 * would (the plain local server sends them as fast as the CPU allows). Prints medians; nothing
 * asserts a time.
 */
import { chromium, type BrowserContext } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import { ISOLATION_HEADERS } from '../integrations/security-policy.mjs';
import { launchProfile, prepareContext, visitAndLoad } from './runtime-page';
import { staticFileHandler } from './server';
import { median } from './stats';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const [baseDir, newDir] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (!baseDir || !newDir) throw new Error('usage: tsx bench/compare-loads.ts BASE_DIR NEW_DIR [--rate MBPS] [--rounds N] [--model ID]');
const bytesPerSecond = Number(option('rate', '0')) * 1e6;
const rounds = Number(option('rounds', '5'));
const model = option('model', 'expert');

/** Holds each chunk of a large file back for as long as the link would take to carry it. */
function throttle(response: ServerResponse): void {
  const write = response.write.bind(response) as (chunk: Buffer) => boolean;
  const end = response.end.bind(response) as () => ServerResponse;
  let queue = Promise.resolve();
  const paced = (chunk: Buffer): boolean => {
    queue = queue.then(() => new Promise<void>((done) => setTimeout(done, (chunk.length / bytesPerSecond) * 1000))).then(() => void write(chunk));
    return true;
  };
  response.write = paced as typeof response.write;
  response.end = ((chunk?: Buffer) => {
    if (chunk) paced(chunk);
    void queue.then(() => end());
    return response;
  }) as typeof response.end;
}

function serve(root: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const handler = staticFileHandler(resolve(root), ISOLATION_HEADERS);
  const server = createServer((request, response) => {
    if (bytesPerSecond > 0 && /\.(onnx|wasm)$/.test(request.url ?? '')) throttle(response);
    handler(request, response);
  });
  return new Promise((ready) =>
    server.listen(port, '127.0.0.1', () => ready({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) })),
  );
}

async function loadOnce(context: BrowserContext, url: string): Promise<number> {
  return (await visitAndLoad(context, url, model)).wallMs;
}

const builds = { base: baseDir, new: newDir } as const;
const servers = { base: await serve(builds.base, 4393), new: await serve(builds.new, 4394) };
const profileDirs = { base: mkdtempSync(join(tmpdir(), 'compare-base-')), new: mkdtempSync(join(tmpdir(), 'compare-new-')) };
const profiles = { base: await launchProfile(profileDirs.base), new: await launchProfile(profileDirs.new) };
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

const times: Record<string, number[]> = {};
const record = (key: string, ms: number) => (times[key] ??= []).push(ms);
try {
  for (let round = 0; round < rounds; round++) {
    for (const build of ['base', 'new'] as const) {
      record(`${build} ${round === 0 ? 'first' : 'second+'}`, await loadOnce(profiles[build], servers[build].url));
      const context = await prepareContext(await browser.newContext());
      record(`${build} cold`, await loadOnce(context, servers[build].url));
      await context.close();
    }
  }
} finally {
  await Promise.all([...Object.values(profiles).map((p) => p.close()), browser.close()]);
  await Promise.all(Object.values(servers).map((s) => s.close()));
  for (const dir of Object.values(profileDirs)) rmSync(dir, { recursive: true, force: true });
}
console.log(`${model} loads, ${bytesPerSecond > 0 ? `${bytesPerSecond / 1e6} MB/s link` : 'unthrottled local server'}, ${rounds} rounds (base ${builds.base}, new ${builds.new})`);
for (const kind of ['cold', 'first', 'second+']) {
  const [b, n] = [median(times[`base ${kind}`]), median(times[`new ${kind}`])];
  console.log(`${kind.padEnd(8)} base ${b.toFixed(0)} ms, new ${n.toFixed(0)} ms, new/base ${(n / b).toFixed(2)}  (base ${times[`base ${kind}`].map(Math.round).join(' ')}; new ${times[`new ${kind}`].map(Math.round).join(' ')})`);
}
