/**
 * Chapter 4's speculative-sampling widget on the real expert (target) and amateur (draft): the
 * precomputed round shows at once; stepping, back and the keys work; every q, p, r and verdict
 * shown equals the same session run in Node; gamma and temperature round-trip through the URL;
 * the greedy variant writes the target's greedy text; the exactness experiment shows the TV
 * distance the Node sessions give for the same seeds. Timings are shown, never asserted.
 */
import { expect, test, type Locator } from '@playwright/test';
import { computeExample } from '../../scripts/precompute-lib';
import { formatProb, formatRatio } from '../../src/components/widgets/speculative-sampler/format';
import { experimentSeed } from '../../src/components/widgets/speculative-sampler/experiment';
import { DEFAULT_PARAMS, speculativeSpec, targetSpec, type SpeculativeParams } from '../../src/components/widgets/speculative-sampler/params';
import { SPEED_TOKENS } from '../../src/components/widgets/speculative-sampler/speed';
import { totalVariation, type SamplingTrace, type SpeculativeGreedyTrace, type SpeculativeTrace } from '../../src/lib/decoding';
import type { StepMessage } from '../../src/lib/runtime/protocol';
import { fakeHub } from './support/fake-hub';
import { expectShownNumber } from './support/shown-number';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';

const PAGE = '/explainers/04-speculative-sampling/';
const WIDGET = 'figure[data-widget="speculative-sampler"]';
const VERDICT = { accepted: 'accepted', rejected: 'rejected', 'not-verified': 'not verified' };

/**
 * A trace number as the widget writes it: four decimals are checked against Node's value the way
 * shown-number.ts allows for the two runtimes' float32 noise at a rounding boundary; zero and the
 * scientific notation of tiny values must match the formatter's text.
 */
async function expectFormatted(cell: Locator, value: number, format: (x: number) => string): Promise<void> {
  const text = format(value);
  if (/^\d+\.\d{4}$/.test(text)) await expectShownNumber(cell, value, 4);
  else await expect(cell).toHaveText(text);
}

async function expectRound(widget: Locator, step: StepMessage): Promise<void> {
  const trace = step.trace as SpeculativeTrace;
  const rows = widget.getByTestId('round-table').locator('tbody tr');
  await expect(rows).toHaveCount(trace.steps.length);
  for (const [i, s] of trace.steps.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-token', String(s.token));
    await expectFormatted(row.locator('td[data-col="q"]'), s.draftProb, formatProb);
    await expectFormatted(row.locator('td[data-col="p"]'), s.targetProb, formatProb);
    await expectFormatted(row.locator('td[data-col="ratio"]'), s.ratio, formatRatio);
    await expectFormatted(row.locator('td[data-col="accept"]'), s.acceptProb, formatProb);
    await expect(row.locator('td[data-col="r"]')).toHaveText(s.r === null ? '—' : s.r.toFixed(4));
    await expect(row.locator('td[data-col="verdict"]')).toHaveText(VERDICT[s.verdict]);
    await expectFormatted(row.locator('td[data-col="beta"]'), s.beta, formatProb);
  }
  await expect(widget.getByTestId('accepted-count')).toHaveText(String(trace.accepted));
  const final = widget.getByTestId('final-token');
  await expect(final).toHaveAttribute('data-kind', trace.final?.kind ?? 'end');
  if (trace.final === null) {
    // The round ended at an accepted end-of-sequence token: no residual or bonus token follows.
    await expect(final.getByTestId('final-id')).toHaveCount(0);
    return;
  }
  await expect(final.getByTestId('final-id')).toHaveText(String(trace.final.token));
  await expectFormatted(final.getByTestId('final-prob'), trace.final.prob, formatProb);
  if (trace.residual) await expectFormatted(final.getByTestId('residual-mass'), trace.residual.positiveMass, formatProb);
  const top = final.getByTestId('final-table').locator('tbody tr');
  await expect(top).toHaveCount(trace.final.top.length);
  for (const [i, c] of trace.final.top.entries()) {
    await expect(top.nth(i)).toHaveAttribute('data-token', String(c.token));
    await expectFormatted(top.nth(i).locator('td[data-col="prob"]'), c.prob, formatProb);
  }
}

test('rounds step on the real models and show the q, p, r and verdicts the session computes', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = collectPageErrors(page);
  const params: SpeculativeParams = { ...DEFAULT_PARAMS, gamma: 3, temperature: 0.8, seed: 5 };
  const expected = await computeExample({ id: 'check', spec: speculativeSpec(params), steps: 3 });

  await page.goto(`${PAGE}?spec.gamma=3&spec.temperature=0.8&spec.seed=5`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expect(widget.getByTestId('step-count')).toHaveText('0');

  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 3; i++) {
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
    await expectRound(widget, expected.steps[i - 1]);
  }

  await widget.getByRole('button', { name: '← Back' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await expectRound(widget, expected.steps[1]);

  // Keyboard: the figure has focus; → steps (replaying round 3 exactly), ← goes back.
  await widget.focus();
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText('3');
  await expectRound(widget, expected.steps[2]);
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText('3');

  const text = expected.steps.map((s) => s.tokens.map((t) => expected.tokenText[t]).join('')).join('');
  await expect(widget.getByTestId('generated')).toContainText(text);

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('rounds, the exactness experiment and the speed measurement run on a Hub pair once the reader agrees', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectPageErrors(page);
  const requested: string[] = [];
  // The stand-in Hub serves the bundled files under SmolLM2's names, so the rounds must be the bundled pair's.
  await fakeHub(page.context(), requested);
  const params: SpeculativeParams = { ...DEFAULT_PARAMS, gamma: 3, seed: 5, rounds: 10 };
  const expected = await computeExample({ id: 'check-hub', spec: speculativeSpec(params), steps: 2 });

  await page.goto(`${PAGE}?spec.pair=smollm2&spec.gamma=3&spec.seed=5&spec.rounds=10`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await widget.getByRole('alertdialog', { name: 'Download SmolLM2 135M / 360M (Hub)?' }).getByRole('button', { name: 'Download and use them' }).click();
  await expect(widget.locator('figcaption')).toHaveText('Speculative sampling: the draft (SmolLM2 135M) proposes, the target (SmolLM2 360M) verifies');
  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 2; i++) {
    await expect(step).toBeEnabled({ timeout: 120_000 });
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i), { timeout: 60_000 });
    await expectRound(widget, expected.steps[i - 1]);
  }
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx');
  expect(requested).toContain('/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/onnx/model_q4.onnx');

  // The two experiments run on the pair the figure runs on (they load no other model).
  const panel = page.getByTestId('exactness');
  await panel.getByTestId('exact-run').click();
  await expect(panel.getByTestId('exact-rounds')).toHaveText('10', { timeout: 120_000 });
  await page.getByTestId('speed-run').click();
  await expect(page.getByTestId('speed-measured')).toHaveText(/^\d+\.\d\d×$/, { timeout: 120_000 });
  expect(requested.filter((path) => path.includes('/resolve/') && !path.includes('SmolLM2'))).toEqual([]);
  expect(errors).toEqual([]);
});

test('at temperature 0 the greedy variant writes exactly the target greedy text', async ({ page }) => {
  test.setTimeout(120_000);
  const params: SpeculativeParams = { ...DEFAULT_PARAMS, gamma: 4, temperature: 0 };
  const expected = await computeExample({ id: 'check', spec: speculativeSpec(params), steps: 2 });
  const emitted = expected.steps.flatMap((s) => s.tokens);
  const greedy = await computeExample({ id: 'check', spec: targetSpec(params, 1), steps: emitted.length });
  expect(greedy.steps.flatMap((s) => s.tokens)).toEqual(emitted);

  await page.goto(`${PAGE}?spec.temperature=0`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  for (let i = 1; i <= 2; i++) {
    await widget.getByRole('button', { name: 'Step →' }).click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
  }
  const trace = expected.steps[1].trace as SpeculativeGreedyTrace;
  const rows = widget.getByTestId('round-table').locator('tbody tr');
  await expect(rows).toHaveCount(trace.steps.length);
  for (const [i, s] of trace.steps.entries()) {
    await expect(rows.nth(i)).toHaveAttribute('data-token', String(s.token));
    await expect(rows.nth(i)).toHaveAttribute('data-verdict', s.verdict);
    if (s.targetArgmax !== null) await expect(rows.nth(i).locator('td[data-col="argmax"]')).toContainText(`(${s.targetArgmax})`);
  }
  // The default example's second round does not reach end-of-sequence, so it has a final token.
  expect(trace.final).not.toBeNull();
  await expect(widget.getByTestId('final-id')).toHaveText(String(trace.final!.token));
});

test('the precomputed round is there before any model loads', async ({ page }) => {
  await page.route('**/models/**', () => undefined); // never answered: the models cannot load
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  await expect(widget.getByTestId('step-count')).toHaveText('6');
  await expect(widget.getByTestId('round-table').locator('tbody tr')).toHaveCount(DEFAULT_PARAMS.gamma);
  await expect(page.getByTestId('exact-run')).toBeDisabled();
});

test('gamma and temperature round-trip through the URL, clamped with a notice', async ({ page }) => {
  await page.goto(`${PAGE}?spec.gamma=12&spec.temperature=-1`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  const notices = widget.getByRole('status', { name: 'Notices' });
  await expect(notices).toContainText('Gamma (K) 12 was clamped to 8');
  await expect(notices).toContainText('Temperature -1 was clamped to 0');
  const gamma = widget.getByRole('slider', { name: 'Gamma (K)' });
  await expect(gamma).toHaveValue('8');
  await expect(widget.getByRole('slider', { name: 'Temperature' })).toHaveValue('0');
  await expect(page).toHaveURL(/spec\.gamma=8/);

  // A slider moved with the keyboard updates the URL, and the URL restores it.
  await gamma.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(gamma).toHaveValue('6');
  await expect(page).toHaveURL(/spec\.gamma=6/);
  const temperature = widget.getByRole('slider', { name: 'Temperature' });
  await temperature.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/spec\.temperature=0\.05/);
  await page.reload();
  await waitForIslandOf(page, WIDGET);
  await expect(page.locator(WIDGET).getByRole('slider', { name: 'Gamma (K)' })).toHaveValue('6');
  await expect(page.locator(WIDGET).getByRole('slider', { name: 'Temperature' })).toHaveValue('0.05');
});

test('the exactness experiment runs and shows the TV distance the Node sessions give', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const rounds = 12;
  const params: SpeculativeParams = { ...DEFAULT_PARAMS, gamma: 2, temperature: 1, seed: 3, rounds };
  const target = await computeExample({ id: 'p', spec: targetSpec(params, 4096), steps: 1 });
  const p = new Float32Array(4096);
  for (const row of (target.steps[0].trace as SamplingTrace).after) p[row.token] = row.prob;
  const firsts = async (spec: (s: SpeculativeParams) => Parameters<typeof computeExample>[0]['spec']): Promise<Float32Array> => {
    const d = new Float32Array(4096);
    for (let i = 0; i < rounds; i++) {
      const run = await computeExample({ id: 'x', spec: spec({ ...params, seed: experimentSeed(params, i) }), steps: 1 });
      d[run.steps[0].tokens[0]] += 1 / rounds;
    }
    return d;
  };
  const tv = totalVariation(await firsts(speculativeSpec), p);
  const controlTv = totalVariation(await firsts((s) => targetSpec(s, 1)), p);

  await page.goto(`${PAGE}?spec.gamma=2&spec.temperature=1&spec.seed=3&spec.rounds=${rounds}`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  const panel = page.getByTestId('exactness');
  await panel.getByTestId('exact-run').click();
  await expect(panel.getByTestId('exact-rounds')).toHaveText(String(rounds), { timeout: 120_000 });
  await expect(panel.getByTestId('exact-tv')).toHaveText(tv.toFixed(4));
  await expect(panel.getByTestId('exact-control-tv')).toHaveText(controlTv.toFixed(4));
  await expect(panel.getByRole('img')).toHaveCount(1);

  // The speed measurement runs too; its timings are shown, never checked.
  await page.getByTestId('speed-run').click();
  await expect(page.getByTestId('speed-measured')).toHaveText(/^\d+\.\d\d×$/, { timeout: 120_000 });
  await expect(page.getByTestId('speed-predicted')).toHaveText(/^\d+\.\d\d×$/);
  expect(SPEED_TOKENS).toBeGreaterThan(0);

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
