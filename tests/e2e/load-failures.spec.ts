/**
 * A model file that fails on a real chapter page. Chapter 2's contrastive widget is set to the
 * expert's early checkpoint as its amateur, and that model's ONNX file is made to fail, one way
 * after another through Retry: missing, stalled, cut off mid-download by a real server closing
 * the connection, corrupt, truncated. Each time the widget says what happened and what to do and
 * no progress bar is left spinning; the long-generation widget below (the expert and the small
 * amateur) loads and runs regardless; once the file is served again Retry loads the model (the
 * damaged copies did not stay in the browser's cache) and the widget steps.
 */
import { expect, test, type Locator, type Route } from '@playwright/test';
import { STALL_TIMEOUT_SETTING } from '../../src/lib/runtime/browser-runtime';
import { startModelServer, type Fault as ServerFault, type ModelServer } from '../integration/support/model-server';
import { waitForIslandOf } from './support/page-checks';
import { expectNoAlert } from './support/widget-checks';

const PAGE = '/explainers/02-contrastive-decoding/?cd.amateur=expert-early&cdgen.length=8';
const WIDGET = 'figure[data-widget="contrastive-decoding"]';
const OTHER = 'figure[data-widget="cd-generation"]';
const FILE = '**/models/expert-early/onnx/model.onnx';
const SERVED = '/models/expert-early/onnx/model.onnx';
const LABEL = 'Bundled expert, early checkpoint';

let server: ModelServer;

/**
 * Serves the file from the real model server with a fault. Its headers leave at once, as a real
 * host's would; a 23 MB body fulfilled through Playwright arrives only as a whole, which on a busy
 * machine can take longer than the stall timeout and look like a stall.
 */
function fromServerWith(fault: ServerFault): (route: Route) => Promise<void> {
  return (route) => {
    server.faults.set(SERVED, fault);
    return route.continue({ url: `${server.origin}${SERVED}` });
  };
}
test.beforeAll(async () => {
  server = await startModelServer();
});
test.afterAll(async () => {
  await server.close();
});

interface Fault {
  name: string;
  /** The route handler that makes the file fail. */
  handler: (route: Route) => Promise<void> | void;
  message: RegExp;
  action: RegExp;
}

/** In this order: the last is a damaged file, so the final Retry also proves it left the cache. */
const FAULTS: Fault[] = [
  {
    name: 'missing (HTTP 404)',
    handler: (route) => route.fulfill({ status: 404, body: 'not found' }),
    message: new RegExp(`^onnx/model\\.onnx of ${LABEL} is not on the server \\(HTTP 404 at http://\\S+/models/expert-early/onnx/model\\.onnx\\)\\.`),
    action: /reload the page; if that does not help, rebuild the site/,
  },
  {
    name: 'stalled (no answer within the stall timeout)',
    handler: () => undefined, // never answered
    message: new RegExp(`^The download of onnx/model\\.onnx of ${LABEL} never started arriving: no data came for 2\\.0 s, so the connection looks stalled\\.`),
    action: /Check your connection \(or that the site is still being served\) and retry\./,
  },
  {
    name: 'cut off mid-download (a real server sends half, then closes the connection)',
    handler: fromServerWith({ kind: 'drop' }),
    message: new RegExp(`^The connection dropped while downloading ${LABEL}`),
    action: /Check your connection and retry\./,
  },
  {
    name: 'corrupt (the right length of junk)',
    handler: fromServerWith({ kind: 'corrupt' }),
    message: new RegExp(`^A file of ${LABEL} arrived damaged and could not be read`),
    action: /The damaged copy was removed from this browser's cache: retry to download it again\./,
  },
  {
    name: 'truncated (a clean response of its first half)',
    handler: fromServerWith({ kind: 'truncate' }),
    message: new RegExp(`^A file of ${LABEL} arrived damaged and could not be read`),
    action: /The damaged copy was removed from this browser's cache: retry to download it again\./,
  },
];

async function expectFailure(widget: Locator, fault: Fault): Promise<void> {
  const alert = widget.getByRole('alert');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  const [message, whole] = await alert.evaluate((p) => [p.firstChild?.textContent?.trim() ?? '', p.textContent ?? '']);
  expect(message).toMatch(fault.message);
  expect(whole).toMatch(fault.action);
  // Nothing left spinning: no progress bar, not busy, no stepping, a Retry button.
  await expect(widget.getByRole('progressbar')).toHaveCount(0);
  await expect(widget).toHaveAttribute('aria-busy', 'false');
  await expect(widget.getByRole('button', { name: 'Step →' })).toBeDisabled();
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
}

test('a model file that 404s, stalls, is cut off, corrupt or truncated: each says what happened and what to do, the other widget runs, Retry works', async ({ page }) => {
  test.setTimeout(150_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(([key]) => localStorage.setItem(key, '2000'), [STALL_TIMEOUT_SETTING]);
  let fault = FAULTS[0];
  const handler = (route: Route): Promise<void> | void => fault.handler(route);
  await page.route(FILE, handler);

  await page.goto(PAGE);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await test.step(fault.name, () => expectFailure(widget, fault));

  await test.step('the other widget on the page loads its own models and plays', async () => {
    await waitForIslandOf(page, OTHER);
    const other = page.locator(OTHER);
    await expect(other.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
    await expect(other.getByTestId('step-count')).toHaveText('8', { timeout: 60_000 });
    await expectNoAlert(other);
  });

  for (fault of FAULTS.slice(1)) {
    await test.step(`Retry, and the file is ${fault.name}`, async () => {
      await widget.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
      await expectFailure(widget, fault);
    });
  }

  await test.step('served properly again, Retry loads the model and the widget steps', async () => {
    await page.unroute(FILE, handler);
    await widget.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
    await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
    await expectNoAlert(widget);
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText('1');
  });
  expect(pageErrors).toEqual([]);
});
