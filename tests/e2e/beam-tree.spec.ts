/**
 * Chapter 1's beam tree on the real expert: it shows the precomputed search at once, turns live,
 * steps and steps back with buttons and keys, its beams, hypotheses and candidates equal the same
 * search run in Node, the tree draws every candidate, and its parameters round-trip through the
 * URL (bad values clamped with a notice).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { computeExample } from '../../scripts/precompute-lib';
import { beamSpec, DEFAULT_PARAMS } from '../../src/components/widgets/beam-tree/params';
import type { PrecomputedExample } from '../../src/components/widgets/shared/precomputed';
import type { BeamStepTrace } from '../../src/lib/decoding';
import { visibleWhitespace } from '../../src/lib/site/tokenText';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';

const PAGE = '/explainers/01-logits-to-text/';
const WIDGET = 'figure[data-widget="beam-tree"]';
const PRECOMPUTED = new URL('../../src/components/widgets/precomputed/beam-tree.json', import.meta.url);

/** The beams table shows exactly the trace's running beams, then its hypotheses, rounded to 3 places. */
async function expectBeamsTable(widget: Locator, trace: BeamStepTrace): Promise<void> {
  const rows = widget.getByTestId('beams').locator('tbody tr');
  await expect(rows).toHaveCount(trace.running.length + trace.finished.length);
  for (const [i, beam] of trace.running.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-kind', 'running');
    await expect(row).toHaveAttribute('data-node', String(beam.nodeId));
    await expect(row.locator('td').nth(1)).toHaveText(beam.cumulativeLogprob.toFixed(3));
    await expect(row.locator('td').nth(2)).toHaveText(String(beam.tokens.length));
  }
  for (const [i, hyp] of trace.finished.entries()) {
    const row = rows.nth(trace.running.length + i);
    await expect(row).toHaveAttribute('data-kind', 'finished');
    await expect(row).toHaveAttribute('data-node', String(hyp.nodeId));
    await expect(row.locator('td').nth(1)).toHaveText(hyp.cumulativeLogprob.toFixed(3));
    await expect(row.locator('td').nth(2)).toHaveText(String(hyp.length));
    await expect(row.locator('td').nth(3)).toHaveText(hyp.score.toFixed(3));
  }
}

/** The candidates table: every one of the 2B candidates with its log-probabilities and outcome. */
async function expectCandidatesTable(widget: Locator, trace: BeamStepTrace): Promise<void> {
  const rows = widget.getByTestId('candidates').locator('tbody tr');
  await expect(rows).toHaveCount(trace.candidates.length);
  for (const [i, c] of trace.candidates.entries()) {
    const cells = rows.nth(i).locator('td');
    await expect(rows.nth(i)).toHaveAttribute('data-node', String(c.nodeId));
    await expect(cells.nth(1)).toHaveText(String(c.sourceBeam + 1));
    await expect(cells.nth(3)).toHaveText(c.logprob.toFixed(3));
    await expect(cells.nth(4)).toHaveText(c.cumulativeLogprob.toFixed(3));
    await expect(cells.nth(5)).toContainText(c.outcome);
  }
}

/** Every node of the trace's tree is drawn as a labelled dot (token and cumulative log-probability). */
async function expectTree(widget: Locator, trace: BeamStepTrace, tokenText: Record<number, string>): Promise<void> {
  const labels = widget.locator('.chart svg text');
  const expected = trace.tree.map((node) =>
    node.token === null ? 'prompt' : `${visibleWhitespace(tokenText[node.token])} ${node.cumulativeLogprob.toFixed(2)}`,
  );
  await expect
    .poll(async () => (await labels.allTextContents()).filter((text) => expected.includes(text)).length)
    .toBe(expected.length);
  await expect(widget.locator('.chart svg').getByText('Generated tokens →')).toBeVisible();
}

test('the beam tree steps on the real model and shows the scores the search computes in Node', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const params = { ...DEFAULT_PARAMS, numBeams: 4, maxNewTokens: 5, lengthPenalty: 0.5 };
  const expected = await computeExample({ id: 'check', spec: beamSpec(params), steps: 5 });
  const traces = expected.steps.map((s) => s.trace as BeamStepTrace);
  expect(traces.length).toBe(5);
  expect(traces.at(-1)!.done).toBe(true);

  await page.goto(`${PAGE}?beam.numBeams=4&beam.maxNewTokens=5&beam.lengthPenalty=0.5`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  await expect(widget.getByTestId('step-count')).toHaveText('0');

  const step = widget.getByRole('button', { name: 'Step →' });
  for (let i = 1; i <= 3; i++) {
    await step.click();
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
  }
  await expectBeamsTable(widget, traces[2]);
  await widget.getByText(/The \d+ candidates of step 3/).click(); // opens the details
  await expectCandidatesTable(widget, traces[2]);
  await expectTree(widget, traces[2], expected.tokenText);
  await expect(widget.getByTestId('best-text')).toContainText(expected.steps[2].text ?? '');

  // Back undoes a step exactly.
  await widget.getByRole('button', { name: '← Back' }).click();
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await expectBeamsTable(widget, traces[1]);
  await expectTree(widget, traces[1], expected.tokenText);

  // Keyboard: the figure has focus; → steps, ← goes back, Home resets.
  await widget.focus();
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByTestId('step-count')).toHaveText('3');
  await expectBeamsTable(widget, traces[2]);
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByTestId('step-count')).toHaveText('2');
  await page.keyboard.press('Home');
  await expect(widget.getByTestId('step-count')).toHaveText('0');
  for (let i = 1; i <= 5; i++) {
    await page.keyboard.press('ArrowRight');
    await expect(widget.getByTestId('step-count')).toHaveText(String(i));
  }

  // The search has ended at the token limit: every hypothesis scored with the length penalty.
  const final = traces[4];
  await expectBeamsTable(widget, final);
  await expect(widget.getByTestId('beam-summary')).toContainText('Search finished');
  await expect(widget.locator('.chart svg').getByText('prompt', { exact: true })).toBeVisible();
  // The step that ended the search says so at once, and Step goes off (no click that does nothing).
  await expect(widget.getByText('Beam search has finished')).toBeVisible();
  await expect(step).toBeDisabled();

  // Hiding the pruned candidates leaves only the nodes the hypotheses go through.
  const drawn = widget.locator('.chart svg text');
  const all = final.tree.length;
  const kept = final.tree.filter((n) => !n.pruned).length;
  expect(kept).toBeLessThan(all);
  const labelCount = async (): Promise<number> => (await drawn.allTextContents()).filter((t) => t !== '' && !/^\d+$/.test(t) && !t.startsWith('Generated')).length;
  await expect.poll(labelCount).toBe(all);
  await widget.getByRole('checkbox', { name: 'Show pruned candidates' }).uncheck();
  await expect.poll(labelCount).toBe(kept);
  await expect(page).toHaveURL(/beam\.pruned=hide/);

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('the precomputed search is there before any model loads', async ({ page }) => {
  await page.route('**/models/**', () => undefined); // never answered: the models cannot load
  const example = JSON.parse(readFileSync(PRECOMPUTED, 'utf8')) as PrecomputedExample;
  const last = example.steps.at(-1)!.trace as BeamStepTrace;
  await page.goto(PAGE);
  const widget = page.locator(WIDGET);
  await widget.scrollIntoViewIfNeeded();
  await expect(widget.getByTestId('precomputed')).toBeVisible();
  await expect(widget.getByTestId('step-count')).toHaveText(String(example.steps.length));
  await expectBeamsTable(widget, last);
  await expectTree(widget, last, example.tokenText);
  // The example is the whole search, and it says that it has ended.
  expect(last.done).toBe(true);
  await expect(widget.getByText('Beam search has finished')).toBeVisible();
});

test('beam parameters round-trip through the URL, and bad values are clamped with a notice', async ({ page }) => {
  await page.goto(`${PAGE}?beam.numBeams=12&beam.maxNewTokens=abc&beam.lengthPenalty=1.5`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  const notices = widget.getByRole('status', { name: 'Notices' });
  await expect(notices).toContainText('Beams 12 was clamped to 8');
  await expect(notices).toContainText('Max new tokens must be a number');
  await expect(widget.getByRole('slider', { name: 'Beams' })).toHaveValue('8');
  await expect(widget.getByRole('slider', { name: 'Max new tokens' })).toHaveValue(String(DEFAULT_PARAMS.maxNewTokens));
  await expect(widget.getByRole('slider', { name: 'Length penalty' })).toHaveValue('1.5');
  await expect(page).toHaveURL(/beam\.numBeams=8/);
  await expect(page).toHaveURL(/beam\.lengthPenalty=1\.5/);
  await expect(page).not.toHaveURL(/maxNewTokens/);

  // A slider change goes into the URL, and opening that URL restores it.
  await widget.getByRole('slider', { name: 'Max new tokens' }).fill('5');
  await widget.getByRole('slider', { name: 'Beams' }).fill('2');
  await expect(page).toHaveURL(/beam\.maxNewTokens=5/);
  await expect(page).toHaveURL(/beam\.numBeams=2/);
  await page.goto(page.url());
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByRole('slider', { name: 'Beams' })).toHaveValue('2');
  await expect(widget.getByRole('slider', { name: 'Max new tokens' })).toHaveValue('5');
  await expect(widget.getByRole('slider', { name: 'Length penalty' })).toHaveValue('1.5');
  await expect(widget.getByRole('status', { name: 'Notices' })).toHaveCount(0);
});
