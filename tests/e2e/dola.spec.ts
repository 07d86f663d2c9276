/**
 * Chapter 3's DoLa widget on the real expert: two sessions (the paper's JSD and the reference
 * code's divergence) step together; the layers each chose, the steps where they differ, and one
 * step's divergences, mask and scores equal the same sessions run in Node; the precomputed
 * example shows before the models load; parameters round-trip through the URL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { computeExample, inNode } from '../../scripts/precompute-lib';
import { DEFAULT_PARAMS, dolaSpec } from '../../src/components/widgets/dola/params';
import type { PrecomputedExample } from '../../src/components/widgets/shared/precomputed';
import type { DolaTrace } from '../../src/lib/decoding';
import { loadBundledModel } from '../../src/lib/runtime/model';
import { findModel, pairById } from '../../src/lib/runtime/registry';
import { tinyLensedFolder } from '../integration/support/tiny-hub-models';
import { fakeHub, tinyFormOf } from './support/fake-hub';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';
import { expectShownNumber } from './support/shown-number';

const PAGE = '/explainers/03-dola/';
const PRECOMPUTED = join(import.meta.dirname, '..', '..', 'src', 'components', 'widgets', 'precomputed');
const precomputed = (id: string): PrecomputedExample =>
  JSON.parse(readFileSync(join(PRECOMPUTED, `${id}.json`), 'utf8')) as PrecomputedExample;
const WIDGET = 'figure[data-widget="dola"]';

const traceOf = (steps: { trace: unknown }[], i: number): DolaTrace => steps[i].trace as DolaTrace;
const fmt = (v: number | null): string => (v === null ? '∞' : v.toPrecision(4));

/** Steps (1-based) at which the two sessions chose different premature layers. */
function differingSteps(a: { trace: unknown }[], b: { trace: unknown }[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (traceOf(a, i).prematureLayer !== traceOf(b, i).prematureLayer) out.push(i + 1);
  }
  return out;
}

async function expectDetail(widget: Locator, trace: DolaTrace): Promise<void> {
  await expect(widget.getByTestId('premature-layer')).toHaveText(String(trace.prematureLayer));
  await expect(widget.getByTestId('candidate-layers')).toHaveText(trace.candidateLayers.join(', '));
  await expect(widget.getByTestId('chosen-token')).toHaveText(String(trace.chosen.token));
  await expectShownNumber(widget.getByTestId('chosen-score'), trace.chosen.score, 4);
  await expect(widget.getByTestId('head-size')).toHaveText(String(trace.head.size));
  const divergences = widget.getByTestId('divergences').locator('tbody tr');
  await expect(divergences).toHaveCount(trace.layerDivergences.length);
  for (const [i, row] of trace.layerDivergences.entries()) {
    await expect(divergences.nth(i).locator('td').nth(1)).toHaveText(fmt(row.jsd));
    await expect(divergences.nth(i).locator('td').nth(2)).toHaveText(fmt(row.reference));
  }
  const scores = widget.getByTestId('scores').locator('tbody tr');
  const listed = trace.candidates.slice(0, 12);
  await expect(scores).toHaveCount(listed.length);
  for (const [i, c] of listed.entries()) {
    await expect(scores.nth(i)).toHaveAttribute('data-token', String(c.token));
    if (c.score === null) await expect(scores.nth(i).locator('td').nth(5)).toContainText('−∞');
    else await expectShownNumber(scores.nth(i).locator('td').nth(5), c.score, 4);
  }
  // The logit lens: the top token's probability at every layer (the table behind the heatmap).
  const lens = widget.getByTestId('layer-probs').locator('tbody tr').first();
  await expect(lens).toHaveAttribute('data-token', String(trace.topTokens[0]));
  for (let layer = 0; layer <= trace.matureLayer; layer++) {
    await expectShownNumber(lens.locator('td').nth(layer), trace.layerProbs[layer][0], 3);
  }
}

test('both divergences step on the real model and show the numbers the sessions compute', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  // Not the defaults, whose precomputed example the widget would show instead of step 0.
  const params = { ...DEFAULT_PARAMS, repetitionPenalty: 1 };
  const steps = 3;
  const jsd = (
    await computeExample({
      id: 'check-jsd',
      spec: dolaSpec(params, 'jsd'),
      steps,
    })
  ).steps;
  const reference = (
    await computeExample({
      id: 'check-ref',
      spec: dolaSpec(params, 'reference'),
      steps,
    })
  ).steps;

  await page.goto(`${PAGE}?dola.repetitionPenalty=1`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', {
    timeout: 90_000,
  });
  await expect(widget.getByTestId('step-count')).toHaveText('0');

  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= steps; i++) {
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
    await expect(widget.getByTestId('layer-choices').locator('tbody tr')).toHaveCount(i);
  }

  // The layer each session chose at each step, and the steps where they differ.
  const rows = widget.getByTestId('layer-choices').locator('tbody tr');
  for (let i = 0; i < steps; i++) {
    await expect(rows.nth(i).locator('td').nth(2)).toHaveText(String(traceOf(jsd, i).prematureLayer));
    await expect(rows.nth(i).locator('td').nth(4)).toHaveText(String(traceOf(reference, i).prematureLayer));
  }
  const differing = differingSteps(jsd, reference);
  if (differing.length > 0) await expect(widget.getByTestId('differing-steps')).toHaveText(differing.join(', '));
  else await expect(widget.getByTestId('differing-summary')).toContainText('the same premature layer');
  await expect(widget.getByTestId('text-jsd')).toContainText(jsd.map((s) => s.text).join(''));
  await expect(widget.getByTestId('text-reference')).toContainText(reference.map((s) => s.text).join(''));

  // The detail of the last step, first for the JSD session, then for the reference code's.
  await expectDetail(widget, traceOf(jsd, steps - 1));
  await widget.getByRole('radio', { name: "Reference code's divergence" }).check();
  await expect(page).toHaveURL(/dola\.divergence=reference/);
  await expectDetail(widget, traceOf(reference, steps - 1));

  // Keyboard: the figure has focus; ← undoes a step of both sessions, → steps both again.
  await widget.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText(String(steps - 1));
  await expect(rows).toHaveCount(steps - 1);
  await expectDetail(widget, traceOf(reference, steps - 2));
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText(String(steps));
  await expectDetail(widget, traceOf(reference, steps - 1));

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('DoLa runs on a Hub model once the reader agrees: the layer lens adds its early exits in the browser', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  // The stand-in Hub serves the expert without layer_logits as SmolLM2-360M: the worker's lens must
  // add them back, and the steps must then be the bundled expert's.
  await fakeHub(page.context(), []);
  const params = { ...DEFAULT_PARAMS, repetitionPenalty: 1 };
  const jsd = (await computeExample({ id: 'hub-jsd', spec: dolaSpec(params, 'jsd'), steps: 2 })).steps;
  await page.goto(`${PAGE}?dola.pair=smollm2&dola.repetitionPenalty=1`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  await widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' }).getByRole('button', { name: 'Download and use them' }).click();
  await expect(widget.locator('figcaption')).toHaveText("DoLa on the expert (SmolLM2 360M): the paper's JSD and the reference code's divergence, side by side");
  // The buckets are named from the registry's 32 blocks before the model loads (DoLa's rules for deep models).
  await expect(widget.getByText('On this 32-layer model with tied embeddings the high bucket is layers 16, 18, 20, 22, 24, 26, 28 and 30, the low bucket layers 2, 4, 6, 8, 10, 12 and 14.')).toBeVisible();
  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 2; i++) {
    await expect(step).toBeEnabled({ timeout: 120_000 });
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i), { timeout: 60_000 });
  }
  await expectDetail(widget, traceOf(jsd, 1));
  expect(errors).toEqual([]);
});

for (const [pair, standIn, label] of [
  ['smollm2', 'tiny-fused', 'a fused Llama (GroupQueryAttention, SkipSimplifiedLayerNormalization)'],
  ['qwen2.5', 'tiny-fused', 'a fused Qwen2 with a 4-bit MatMulNBits head'],
  ['smollm2', 'tiny-plain', "a Llama in torch's plain export, tied head"],
  ['qwen2.5', 'tiny-plain', "a Qwen2 in torch's plain export, untied head"],
] as const) {
  test(`DoLa through the layer lens on ${label}, served as the ${pair} pair's large model, equals the same model in Node`, async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectPageErrors(page);
    await fakeHub(page.context(), [], { standIn });
    const models = pairById(pair);
    const form = tinyFormOf(standIn, models.large);
    const params = { ...DEFAULT_PARAMS, prompt: 'The capital of France is', repetitionPenalty: 1 };
    const model = inNode(await loadBundledModel(form, { localModelPath: tinyLensedFolder(form) }), findModel(models.large)!, { kind: 'added', blocks: 3 });
    const load = () => Promise.resolve(model);
    const steps = 3;
    const runs = await Promise.all((['jsd', 'reference'] as const).map(async (divergence) => (await computeExample({ id: divergence, spec: dolaSpec(params, divergence, models), steps }, load)).steps));
    expect(runs[0], 'the tiny model does not end its text within the steps').toHaveLength(steps);

    await page.goto(`${PAGE}?dola.pair=${pair}&dola.repetitionPenalty=1&dola.prompt=${encodeURIComponent(params.prompt)}`);
    await waitForIslandOf(page, WIDGET);
    const widget = page.locator(WIDGET);
    await widget.getByRole('alertdialog', { name: `Download ${models.label}?` }).getByRole('button', { name: 'Download and use them' }).click();
    const step = widget.getByRole('button', { name: 'Step →' });
    for (let i = 1; i <= steps; i++) {
      await expect(step).toBeEnabled({ timeout: 60_000 });
      await step.click();
      await expect(widget.getByTestId('step-count')).toHaveText(String(i), { timeout: 30_000 });
    }
    // Three blocks, whatever the registry says of the real model: the trace reads the loaded config.
    await expectDetail(widget, traceOf(runs[0], steps - 1));
    await widget.getByRole('radio', { name: "Reference code's divergence" }).check();
    await expectDetail(widget, traceOf(runs[1], steps - 1));
    expect(errors).toEqual([]);
  });
}

test("a shared link's static layer deeper than the bundled expert waits for its Hub model", async ({ page }) => {
  test.setTimeout(60_000);
  await fakeHub(page.context(), []);
  await page.goto(`${PAGE}?dola.pair=smollm2&dola.bucket=static&dola.layer=20`);
  await waitForIslandOf(page, WIDGET);
  const widget = page.locator(WIDGET);
  const slider = widget.getByRole('slider', { name: 'Static layer' });
  // The visit starts on the bundled pair, which has 8 blocks.
  await expect(widget.getByRole('status', { name: 'Notices' })).toContainText(
    'Static layer 20 needs SmolLM2-360M-Instruct (Hub, 4-bit); layer 7 runs until you download it.',
  );
  await expect(slider).toHaveValue('7');
  await expect(slider).toHaveAttribute('max', '7');
  await widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' }).getByRole('button', { name: 'Download and use them' }).click();
  // The registry's 32 blocks: the link's layer is back, in the slider and the URL.
  await expect(slider).toHaveAttribute('max', '31');
  await expect(slider).toHaveValue('20');
  await expect(page).toHaveURL(/dola\.layer=20/);
});

test('the step that ends the text at end-of-sequence says so at once, and Back makes Step available again', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  // The sliders at their ends: the default prompt then ends within a few tokens.
  const params = { ...DEFAULT_PARAMS, relativeTop: 1, repetitionPenalty: 3 };
  const runs = await Promise.all(
    (['jsd', 'reference'] as const).map(async (divergence) => (await computeExample({ id: divergence, spec: dolaSpec(params, divergence), steps: 40 })).steps),
  );
  for (const steps of runs) expect(steps.at(-1)?.stopsHere?.reason, 'both sessions end at end-of-sequence within 40 steps').toBe('eos');
  // Both divergences pick the same layers here, so both texts end at the same step.
  expect(runs[1].length).toBe(runs[0].length);
  const last = runs[0].length;

  await page.goto(`${PAGE}?dola.relativeTop=1&dola.repetitionPenalty=3`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 90_000 });
  const step = widget.getByRole('button', { name: 'Step →' });
  const count = widget.getByTestId('step-count');
  const ended = widget.getByText('ended the text with its end-of-sequence token');
  for (let i = 1; i <= last; i++) {
    await expect(ended).toHaveCount(0);
    await step.click();
    await expect(count).toHaveText(String(i));
  }
  // No click that does nothing: the step that ended the text turned Step off and said why.
  await expect(ended).toBeVisible();
  await expect(step).toBeDisabled();
  await expect(widget.getByTestId('text-jsd')).toContainText('<|endoftext|>');
  await widget.getByRole('button', { name: '← Back' }).click();
  await expect(count).toHaveText(String(last - 1));
  await expect(ended).toHaveCount(0);
  await expect(step).toBeEnabled();
  await step.click();
  await expect(count).toHaveText(String(last));
  await expect(ended).toBeVisible();
  expect(errors).toEqual([]);
});

test('the precomputed example is there before any model loads, with the differing steps marked', async ({ page }) => {
  await page.route('**/models/**', () => undefined); // never answered: the models cannot load
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET); // the SSR markup shows the example; clicks need the island
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  const jsd = precomputed('dola-jsd').steps;
  const reference = precomputed('dola-reference').steps;
  await expect(widget.getByTestId('step-count')).toHaveText(String(jsd.length));
  await expect(widget.getByTestId('layer-choices').locator('tbody tr')).toHaveCount(jsd.length);
  const differing = differingSteps(jsd, reference);
  expect(differing.length).toBeGreaterThan(0); // the default prompt was picked to show a disagreement
  await expect(widget.getByTestId('differing-steps')).toHaveText(differing.join(', '));
  await expect(widget.locator('tr.differs')).toHaveCount(differing.length);
  await expectDetail(widget, traceOf(jsd, jsd.length - 1));

  // Any step can be shown in detail: the first disagreement, where the other divergence's pick is named.
  const first = differing[0];
  await widget.getByRole('button', { name: `Show step ${first} in detail` }).click();
  await expect(widget.getByRole('button', { name: `Show step ${first} in detail` })).toHaveAttribute('aria-pressed', 'true');
  await expectDetail(widget, traceOf(jsd, first - 1));
  if (traceOf(jsd, first - 1).divergencesDisagree) {
    await expect(widget.getByTestId('would-differ')).toContainText(`layer ${traceOf(jsd, first - 1).prematureLayerBy.reference}`);
  }
  await widget.getByRole('radio', { name: "Reference code's divergence" }).check();
  await expectDetail(widget, traceOf(reference, first - 1));
  await widget.getByRole('button', { name: 'Follow the latest step' }).click();
  await expectDetail(widget, traceOf(reference, reference.length - 1));
});

test('parameters round-trip through the URL, and bad values are clamped with a notice', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${PAGE}?dola.bucket=static&dola.layer=12&dola.relativeTop=abc`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  const notices = widget.getByRole('status', { name: 'Notices' });
  await expect(notices).toContainText('Static layer 12 was clamped to 7: Bundled expert (8 layers × 224) has 8 blocks.');
  await expect(notices).toContainText('Relative-top alpha must be a number');
  await expect(widget.getByRole('radio', { name: 'Static: one fixed layer' })).toBeChecked();
  await expect(widget.getByRole('slider', { name: 'Static layer' })).toHaveValue('7');
  await expect(page).toHaveURL(/dola\.layer=7/);
  await expect(page).not.toHaveURL(/relativeTop/);

  // Static DoLa: one candidate layer, the one in the URL, for both sessions.
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', {
    timeout: 90_000,
  });
  await widget.getByRole('button', { name: 'Step →' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('1');
  await expect(widget.getByTestId('candidate-layers')).toHaveText('7');
  await expect(widget.getByTestId('premature-layer')).toHaveText('7');

  // Back to the low bucket: the URL follows, and the session replays with layer 2 only.
  await widget.getByRole('radio', { name: 'Low bucket' }).check();
  await expect(page).toHaveURL(/dola\.bucket=low/);
  await expect(widget.getByTestId('candidate-layers')).toHaveText('2');
});

test('the widget fits a phone-width screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.route('**/models/**', () => undefined); // the precomputed example is enough here
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  await expect(widget.getByTestId('layer-choices')).toBeVisible();
  // Wide tables scroll inside their own region; the figure itself never overflows the screen.
  const overflow = await widget.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  const box = await widget.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(360);
});
