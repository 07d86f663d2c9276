/**
 * Cancelling and switching on real chapter pages: Cancel while a widget's model downloads stops
 * the download and offers to load again, which works; Stop while the speculative chapter's
 * exactness experiment steps says how far it got, keeps nothing, and the widget above and a new
 * run work; switching the playground's models while a step runs leaves every method on the new
 * models at the same step, with nothing of the old step shown and no error; a slider dragged on
 * while the last change still replays its steps ends on the newest value with no error.
 */
import { expect, test, type Route } from '@playwright/test';
import { fakeHub } from './support/fake-hub';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';
import { expectNoAlert } from './support/widget-checks';

test('Cancel while the model downloads stops the download; Load again loads it and the widget steps', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const aborted: string[] = [];
  page.on('requestfailed', (request) => {
    if (request.url().endsWith('/models/expert/onnx/model.onnx')) aborted.push(request.failure()?.errorText ?? '');
  });
  // The model file is held (never answered) until the test lets it go.
  const held: Route[] = [];
  const hold = (route: Route): void => void held.push(route);
  await page.route('**/models/expert/onnx/model.onnx', hold);

  await page.goto('/explainers/01-logits-to-text/');
  const widget = page.locator('figure[data-widget="live-sampler"]');
  await waitForIslandOf(page, 'figure[data-widget="live-sampler"]');
  await expect(widget.getByRole('progressbar', { name: 'Model download' })).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => held.length, { timeout: 30_000 }).toBe(1);
  await widget.getByRole('button', { name: 'Cancel' }).click();

  const alert = widget.getByRole('alert');
  await expect(alert).toContainText('Loading the model was cancelled. Start it again when you want it.');
  await expect(widget.getByRole('progressbar')).toHaveCount(0);
  await expect(widget).toHaveAttribute('aria-busy', 'false');
  // The worker's download was aborted, not left running behind the message.
  await expect.poll(() => aborted).toEqual(['net::ERR_ABORTED']);
  // The precomputed example (12 steps) stays on show meanwhile.
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  await expect(widget.getByTestId('step-count')).toHaveText('12');

  await page.unroute('**/models/expert/onnx/model.onnx', hold);
  await alert.getByRole('button', { name: 'Load again' }).click();
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expectNoAlert(widget);
  // Live now, at the example's 12 steps, and one more.
  await expect(widget.getByTestId('precomputed')).toHaveCount(0);
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('13');
  expect(errors.filter((e) => !e.includes('/models/expert/onnx/model.onnx'))).toEqual([]);
});

test('Stop during the exactness experiment says how far it got; the widget above still steps and a new run completes', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await page.goto('/explainers/04-speculative-sampling/?spec.rounds=500');
  const widget = page.locator('figure[data-widget="speculative-sampler"]');
  await waitForIslandOf(page, 'figure[data-widget="speculative-sampler"]');
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  const panel = page.getByTestId('exactness');
  await panel.scrollIntoViewIfNeeded();

  await panel.getByTestId('exact-run').click();
  const progress = panel.getByRole('progressbar', { name: 'Experiment progress' });
  await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(5);
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(panel.getByTestId('exact-error')).toHaveText(
    /^The experiment stopped: Stopped after \d+ of 1000 runs; nothing was kept\. Run it again to start over\.$/,
  );
  await expect(progress).toHaveCount(0);
  await expect(panel.getByTestId('exact-summary')).toHaveCount(0);

  // The session above is untouched: it steps on.
  const before = Number(await widget.getByTestId('step-count').textContent());
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText(String(before + 1));

  await panel.getByRole('slider', { name: 'Rounds' }).fill('10');
  await panel.getByTestId('exact-run').click();
  await expect(panel.getByTestId('exact-rounds')).toHaveText('10', { timeout: 60_000 });
  await expect(panel.getByTestId('exact-error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('switching the playground to other models while a step runs: every method starts on the new models, no stale step, no error', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = collectPageErrors(page);
  const requested: string[] = [];
  await fakeHub(page.context(), requested);
  await page.goto('/explainers/05-playground/?play.pair=smollm2');
  const widget = page.locator('figure[data-widget="playground"]');
  await waitForIslandOf(page, 'figure[data-widget="playground"]');
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 120_000 });
  // The bundled pair replayed the precomputed example live.
  await expect(widget.getByTestId('step-count')).toHaveText('8');
  // The consent step offers the download once it has read the size from the Hub's listing.
  await expect(widget.getByRole('button', { name: 'Download and use them' })).toBeEnabled();

  // One click handler steps every method (the requests are on their way to the worker), the
  // next accepts the download: the switch lands while the step runs. Each time Step comes on,
  // the step count beside it is noted: however briefly, Step must not come on for the old models.
  await widget.evaluate((figure) => {
    const button = (name: string): HTMLButtonElement =>
      [...figure.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as HTMLButtonElement;
    const step = button('Step →');
    const enabledAt: string[] = [];
    (window as unknown as { stepEnabledAt: string[] }).stepEnabledAt = enabledAt;
    new MutationObserver(() => {
      const count = figure.querySelector('[data-testid="step-count"]')?.textContent ?? '';
      if (!step.disabled && enabledAt.at(-1) !== count) enabledAt.push(count);
    }).observe(figure, { subtree: true, attributes: true, childList: true, characterData: true });
    step.click();
    button('Download and use them').click();
  });
  await expect(widget.getByRole('alertdialog')).toHaveCount(0);
  await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 120_000 });
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx');
  expect(await page.evaluate(() => (window as unknown as { stepEnabledAt: string[] }).stepEnabledAt)).toEqual(['0']);
  await expect(widget.getByTestId('step-count')).toHaveText('0');
  const panes = widget.locator('section[data-method]');
  await expect(panes).toHaveCount(6);
  for (const pane of await panes.all()) await expect(pane.getByTestId('steps')).toHaveText('0');

  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('1', { timeout: 60_000 });
  for (const pane of await panes.all()) await expect(pane.getByTestId('steps')).toHaveText('1');
  await expectNoAlert(widget);
  expect(errors).toEqual([]);
});

const REPLAYING = [
  { page: '/explainers/01-logits-to-text/', widget: 'live-sampler', steps: 12, temperature: 'sample.temperature' },
  { page: '/explainers/05-playground/', widget: 'playground', steps: 8, temperature: 'play.temperature' },
];

for (const { page: path, widget: id, steps, temperature } of REPLAYING) {
  test(`${id}: a slider dragged on while the last change still replays its steps ends on the newest value, with no error`, async ({ page }) => {
    test.setTimeout(150_000);
    const errors = collectPageErrors(page);
    await page.goto(path);
    const selector = `figure[data-widget="${id}"]`;
    const widget = page.locator(selector);
    await waitForIslandOf(page, selector);
    await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 120_000 });
    await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 60_000 });
    await expect(widget.getByTestId('step-count')).toHaveText(String(steps));

    // Each value replays the steps on a new session; the next comes a few milliseconds later,
    // while that replay runs, and replaces the session under it.
    await widget.getByRole('slider', { name: 'Temperature' }).evaluate(async (slider: HTMLInputElement) => {
      for (const value of ['0.5', '0.7', '0.9', '1.1']) {
        slider.value = value;
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    });
    await expect(widget.getByRole('button', { name: 'Step →' })).toBeEnabled({ timeout: 60_000 });
    await expectNoAlert(widget);
    await expect(widget.getByTestId('step-count')).toHaveText(String(steps));
    expect(new URLSearchParams(await page.evaluate(() => location.search)).get(temperature)).toBe('1.1');
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(steps + 1), { timeout: 60_000 });
    await expectNoAlert(widget);
    expect(errors).toEqual([]);
  });
}
