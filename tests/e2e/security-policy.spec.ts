/**
 * The built site under its own Content-Security-Policy, sent as a real HTTP header from the
 * `_headers` file the build wrote (tests/e2e/support/policy-server.ts serves it): no built page
 * holds inline code; every page loads, hydrates its widgets and runs the bundled models with no
 * violation, in the page or in the model worker; every method steps; the opt-in Hub path passes
 * the policy, the redirect to the Hub's file hosts included. And what the policy must stop (an
 * inline script, a third-party image, a Hub redirect to a host outside hf.co) is stopped and
 * reported, so these checks can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../integrations/security-policy.mjs';
import { fakeHub } from './support/fake-hub';
import { collectPageErrors, waitForIslands } from './support/page-checks';
import { REPORT_PATH, startPolicyServer, type PolicyServer } from './support/policy-server';
import { reportsAfterSentinels, withoutSentinels } from './support/violation-reports';

const SITE_DIR = process.env.ASTRO_OUT_DIR ?? 'dist';

const chapters = readdirSync(new URL('../../content/explainers/', import.meta.url))
  .filter((file) => file.endsWith('.mdx'))
  .sort()
  .map((file) => `/explainers/${file.replace(/\.mdx$/, '')}/`);
/** The development pages, from src/pages/dev, so a new one is checked too. */
const devPages = readdirSync(new URL('../../src/pages/dev/', import.meta.url))
  .filter((file) => file.endsWith('.astro'))
  .sort()
  .map((file) => `/dev/${file.replace(/\.astro$/, '')}/`);
const pages = ['/', ...chapters, ...devPages];

let server: PolicyServer;

test.beforeAll(async () => {
  server = await startPolicyServer(SITE_DIR);
});

test.afterAll(async () => {
  await server?.close();
});

test.beforeEach(() => {
  server.reports.length = 0;
});

/**
 * Opens every <details> and brings each island into view until it hydrates, then each live
 * figure until its models have loaded (each waits to be seen), then lets downloads finish.
 */
async function bringEverythingToLife(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // Two frames let the islands' visibility observers see the scroll. The timeout is there because
    // headless Chromium on a busy 2-core machine was seen to stop running this loop's frame callbacks
    // for minutes while the page itself kept answering; hydration is still asserted below.
    const frame = () =>
      new Promise((resolve) => {
        requestAnimationFrame(() => requestAnimationFrame(resolve));
        setTimeout(resolve, 250);
      });
    for (const details of document.querySelectorAll('details')) details.open = true;
    for (const island of document.querySelectorAll('astro-island[ssr]')) {
      for (let i = 0; i < 100 && island.hasAttribute('ssr'); i++) {
        island.firstElementChild?.scrollIntoView({ block: 'center' });
        // client:interaction islands (the home page's explorer) wait for a reader's pointer.
        island.firstElementChild?.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
        await frame();
      }
    }
  });
  await page.waitForFunction(() => document.querySelectorAll('astro-island[ssr]').length === 0, null, { timeout: 30_000 }).catch((error: unknown) => {
    throw new Error(`Not every island hydrated. Policy violations so far: ${JSON.stringify(server.reports, null, 2)}`, { cause: error });
  });
  for (const status of await page.locator('.load-status').all()) {
    await status.scrollIntoViewIfNeeded();
    const badge = status.getByTestId('device-badge');
    const error = status.getByRole('alert');
    await expect(badge.or(error).first()).toBeVisible({ timeout: 90_000 });
    expect(await error.allInnerTexts(), 'a live figure could not load its models').toEqual([]);
    await expect(badge).toHaveText('WASM');
  }
  await page.waitForLoadState('networkidle');
}

test('no built page holds an inline script, event handler, javascript: URL or style element, and each carries the policy first', async ({ page }) => {
  const files = readdirSync(SITE_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.html'));
  expect(files.length).toBe(pages.length);
  // The browser's own HTML parser reads each file, so nothing depends on how the build wrote it.
  const found = await page.evaluate((documents) => {
    const executable = /^(|module|text\/javascript|application\/javascript|text\/ecmascript)$/i;
    return documents.map(({ file, html }) => {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      const inline: string[] = [];
      for (const script of doc.querySelectorAll('script:not([src])')) {
        if (executable.test(script.getAttribute('type') ?? '')) inline.push(`<script>${(script.textContent ?? '').slice(0, 80)}`);
      }
      for (const style of doc.querySelectorAll('style')) inline.push(`<style>${(style.textContent ?? '').slice(0, 80)}`);
      for (const element of doc.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
          if (/^on/i.test(attribute.name)) inline.push(`${element.tagName} ${attribute.name}="${attribute.value.slice(0, 60)}"`);
          if (/^\s*javascript:/i.test(attribute.value)) inline.push(`${element.tagName} ${attribute.name}="${attribute.value.slice(0, 60)}"`);
        }
      }
      const first = doc.head.querySelector('script, link, style, meta[http-equiv]');
      const meta = first?.matches('meta[http-equiv="Content-Security-Policy"]') ? first.getAttribute('content') : null;
      return { file, inline, meta };
    });
  }, files.map((file) => ({ file, html: readFileSync(join(SITE_DIR, file), 'utf8') })));
  for (const { file, inline, meta } of found) {
    expect(inline, `${file}: inline code the policy would have to allow`).toEqual([]);
    expect(meta, `${file}: the <meta> policy comes before any script or style sheet`).toBe(META_CONTENT_SECURITY_POLICY);
  }
});

for (const path of pages) {
  test(`${path} loads, hydrates and runs its models under the policy with no violation`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectPageErrors(page);
    const response = await page.goto(server.url(path));
    expect(response?.headers()['content-security-policy']).toBe(`${CONTENT_SECURITY_POLICY}; report-uri ${REPORT_PATH}`);
    await bringEverythingToLife(page);
    expect(await reportsAfterSentinels(page, server)).toEqual([]);
    expect(withoutSentinels(errors)).toEqual([]);
  });
}

test('every method steps in the playground under the policy', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  // A seed other than the precomputed example's, so the panes wait for the models.
  await page.goto(server.url('/explainers/05-playground/?play.seed=3'));
  const widget = page.locator('figure[data-widget="playground"]');
  await widget.scrollIntoViewIfNeeded();
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 90_000 });
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('1', { timeout: 60_000 });
  for (const pane of await widget.locator('section[data-method]').all()) await expect(pane.getByTestId('steps')).toHaveText('1');
  expect(await reportsAfterSentinels(page, server)).toEqual([]);
  expect(withoutSentinels(errors)).toEqual([]);
});

test('an opted-in Hub pair downloads from the Hub under the policy, and every method steps on it', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const requested: string[] = [];
  await fakeHub(page.context(), requested);
  await page.goto(server.url('/explainers/05-playground/?play.pair=smollm2'));
  const widget = page.locator('figure[data-widget="playground"]');
  await widget.scrollIntoViewIfNeeded();
  const consent = widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' });
  await consent.getByRole('button', { name: 'Download and use them' }).click();
  await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 120_000 });
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('1', { timeout: 60_000 });
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx');
  expect(await reportsAfterSentinels(page, server)).toEqual([]);
  expect(withoutSentinels(errors)).toEqual([]);
});

test('a Hub redirect to a file host under hf.co passes the policy; one to any other host is stopped and reported', async ({ playwright }) => {
  test.setTimeout(90_000);
  // Playwright cannot route a redirected request, so the file hosts are made unresolvable instead:
  // the browser's attempt to fetch one (not a policy violation) is the evidence, and nothing
  // leaves this machine.
  const launchOptions = test.info().project.use.launchOptions ?? {};
  const args = [...(launchOptions.args ?? []), '--host-resolver-rules=MAP *.hf.co ~NOTFOUND, MAP *.third-party.example ~NOTFOUND'];
  const browser = await playwright.chromium.launch({ ...launchOptions, args });
  try {
    for (const fileHost of ['https://us.aws.cdn.hf.co', 'https://files.third-party.example']) {
      server.reports.length = 0;
      const context = await browser.newContext();
      const page = await context.newPage();
      const attempts: string[] = [];
      context.on('requestfailed', (request) => attempts.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
      await fakeHub(context, [], { redirectModelsTo: fileHost });
      await page.goto(server.url('/dev/runtime/'));
      await waitForIslands(page);
      const load = await page.evaluate(async () => {
        type Client = import('../../src/lib/runtime/client').RuntimeClient;
        const runtime = (window as unknown as { decodingRuntime: { createBrowserRuntime: () => Client } }).decodingRuntime;
        // Left open: its worker is asked to report a sentinel below.
        return runtime
          .createBrowserRuntime()
          .load('smollm2-135m', { device: 'wasm' })
          .then(
            () => 'loaded',
            (error: Error) => `failed: ${error.message}`,
          );
      });
      expect(load, 'the model file cannot arrive either way').toMatch(/^failed: /);
      const reports = await reportsAfterSentinels(page, server);
      const model = 'HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/onnx/model_q4.onnx';
      if (fileHost.endsWith('.hf.co')) {
        expect(attempts.some((a) => a.startsWith(`${fileHost}/${model} net::ERR_NAME_NOT_RESOLVED`)), attempts.join('\n')).toBe(true);
        expect(reports).toEqual([]);
      } else {
        // Stopped before the browser even looked the host up.
        expect(attempts.filter((a) => a.startsWith(fileHost) && a.includes('ERR_NAME_NOT_RESOLVED'))).toEqual([]);
        // A report names the URL the fetch asked for, not where it was redirected (CSP hides redirect targets).
        expect(reports.map((r) => `${r.directive} ${r.blockedUri}`)).toContain(`connect-src https://huggingface.co/${model}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('the policy stops and reports an inline script and a third-party image', async ({ page }) => {
  // The dev page as the host serves it (headers included), with two things the site must never add.
  await page.route(server.url('/dev/runtime/'), async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(
      '</body>',
      '<script>document.title = "inline script ran"</script><img alt="" src="https://third-party.example/pixel.png"></body>',
    );
    await route.fulfill({ response, body: html });
  });
  await page.goto(server.url('/dev/runtime/'));
  await waitForIslands(page);
  expect(await page.title()).not.toBe('inline script ran');
  const reported = (await reportsAfterSentinels(page, server)).map((r) => `${r.directive} ${r.blockedUri}`);
  expect(reported.sort()).toEqual(['img-src https://third-party.example/pixel.png', 'script-src-elem inline']);
});
