/**
 * The benchmark's browser side, shared by `npm run bench` (run.ts), compare-loads.ts and
 * compare-steps.ts: contexts prepared for the functions in in-page.ts, the /dev/runtime/ page
 * they run on, on-disk profiles, and a reader's visit that loads one model.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import * as inPage from './in-page';

/** Makes a context ready for in-page.ts's functions; returns it. */
export async function prepareContext(context: BrowserContext): Promise<BrowserContext> {
  // tsx compiles with keepNames, which wraps functions in __name(); the page must know it too.
  await context.addInitScript(() => {
    (globalThis as unknown as { __name: (f: unknown) => unknown }).__name = (f) => f;
  });
  context.setDefaultNavigationTimeout(120_000);
  return context;
}

/** A regular browser profile in `dir` (Chromium keeps its code cache there), prepared. */
export async function launchProfile(dir: string): Promise<BrowserContext> {
  return prepareContext(await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }));
}

/** Waits until /dev/runtime/ has set up `window.decodingRuntime`. */
export async function waitForRuntime(page: Page): Promise<void> {
  await page.waitForFunction(() => 'decodingRuntime' in window, null, { timeout: 120_000 });
}

/** A reader's visit that only compiles one wasm file of the site (say onnxruntime's) in the page. */
export async function visitAndCompile(context: BrowserContext, baseUrl: string, path: string): Promise<{ ms: number; bytes: number }> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${baseUrl}/dev/runtime/`);
  await waitForRuntime(page);
  return page.evaluate(inPage.compileWasm, { url: `${baseUrl}/${path}` });
}

/**
 * A reader's visit: a new page load of /dev/runtime/ in the context's page, one load of `model`
 * on WASM in a new worker, then a pause, since Chromium writes a wasm module's code cache a little
 * after it has run.
 */
export async function visitAndLoad(context: BrowserContext, baseUrl: string, model: string): Promise<inPage.LoadSample> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${baseUrl}/dev/runtime/`);
  await waitForRuntime(page);
  const loaded = await page.evaluate(inPage.loadOnce, { model, device: 'wasm' });
  await page.waitForTimeout(2000);
  return loaded;
}
