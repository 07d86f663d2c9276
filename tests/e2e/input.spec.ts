/**
 * What a reader can type into a prompt, on chapter 1's live sampler (every live widget shares
 * PromptInput, WidgetFrame and the worker's prompt handling): blank text is refused in place;
 * 100 000 characters are cut to the model's context with the cut counted on screen; emoji, CJK,
 * right-to-left text, control characters and a lone surrogate open and step; text that looks like
 * HTML or script is shown as text and never run; token text with "<", newlines, tabs, spaces and
 * control characters renders visibly and literally. After each case the widget still steps and the
 * page logs no error.
 */
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { computeExample } from '../../scripts/precompute-lib';
import { DEFAULT_PARAMS, samplerSpec } from '../../src/components/widgets/live-sampler/params';
import type { SamplingTrace } from '../../src/lib/decoding';
import { loadBundledModel } from '../../src/lib/runtime/model';
import { generationRoom } from '../../src/lib/runtime/worker/open-session';
import { visibleWhitespace } from '../../src/lib/site/tokenText';
import { collectPageErrors, waitForIslandOf } from './support/page-checks';
import { currentParams, expectNoAlert, expectWidgetSteps } from './support/widget-checks';

const PAGE = '/explainers/01-logits-to-text/';
const WIDGET = 'figure[data-widget="live-sampler"]';
const MODELS_DIR = join(import.meta.dirname, '..', '..', 'public', 'models');

async function openLive(page: Page, query = ''): Promise<Locator> {
  await page.goto(`${PAGE}${query}`);
  const widget = page.locator(WIDGET);
  await waitForIslandOf(page, WIDGET);
  await expect(widget.getByTestId('device-badge')).toHaveText('WASM', { timeout: 60_000 });
  return widget;
}

/** The prompt as the widget shows it: one span per prompt token, each token's own text. */
function shownPrompt(widget: Locator): Promise<string> {
  return widget.locator('[data-testid="generated"] .prompt-token').evaluateAll((spans) => spans.map((s) => s.textContent).join(''));
}

/** What the widget shows for a prompt: the text of each token the session reads. */
async function expectedPrompt(prompt: string): Promise<string> {
  const example = await computeExample({ id: 'input', spec: samplerSpec({ ...DEFAULT_PARAMS, prompt }), steps: 0 });
  return example.promptIds.map((id) => example.tokenText[id]).join('');
}

/** Types (or sets, for text a keyboard cannot type) a prompt and applies it. */
async function applyPrompt(widget: Locator, prompt: string, how: 'fill' | 'set' = 'fill'): Promise<void> {
  const box = widget.getByRole('textbox', { name: 'Prompt' });
  if (how === 'fill') await box.fill(prompt);
  else {
    await box.evaluate((el, value) => {
      (el as HTMLTextAreaElement).value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, prompt);
  }
  await widget.getByRole('button', { name: 'Use this prompt' }).click();
}

test('blank prompts are refused in place: the widget keeps its prompt, says why and still steps', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const widget = await openLive(page);
  const box = widget.getByRole('textbox', { name: 'Prompt' });
  const apply = widget.getByRole('button', { name: 'Use this prompt' });
  const before = await shownPrompt(widget);
  for (const blank of ['', '   ', '\n\t \n', '\u00a0\u3000']) {
    await box.fill(blank);
    await expect(apply).toBeDisabled();
    await expect(widget.getByText('Type some text for the model to continue')).toBeVisible();
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    await box.press('Control+Enter');
  }
  expect((await currentParams(page)).has('sample.prompt')).toBe(false);
  expect(await shownPrompt(widget)).toBe(before);
  await expectNoAlert(widget);
  await expectWidgetSteps(page, widget, WIDGET);
  // Typing again clears the message.
  await box.fill('The sea');
  await expect(widget.getByText('Type some text for the model to continue')).toHaveCount(0);
  await expect(apply).toBeEnabled();
  expect(errors).toEqual([]);
});

test('100 000 characters are cut to the context, the cut is counted in tokens and characters, and the URL keeps only the end', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const prompt = 'The quick brown fox jumps over the lazy dog. '.repeat(2300).slice(0, 100_000);
  const expert = await loadBundledModel('expert', { localModelPath: MODELS_DIR });
  const all = expert.encode(prompt);
  const context = expert.model.info.contextLength;
  const kept = context - generationRoom(context);
  const cutTokens = all.length - kept;
  const cutCharacters = expert.decode(all.slice(0, cutTokens)).length;
  expect(cutTokens).toBeGreaterThan(30_000);

  const widget = await openLive(page);
  await applyPrompt(widget, prompt);
  const notices = widget.getByRole('status', { name: 'Notices' });
  await expect(notices).toContainText(
    `The prompt was too long for the model: its first ${cutTokens.toLocaleString('en-US')} tokens (about ${cutCharacters.toLocaleString('en-US')} characters) were cut, and the model reads the rest.`,
    { timeout: 30_000 },
  );
  const shown = await shownPrompt(widget);
  expect(shown).toBe(expert.decode(all.slice(cutTokens)));
  expect(cutCharacters + shown.length).toBe(100_000);
  // The link holds the prompt's last 2 000 characters (what a model reads), not 100 000.
  expect((await currentParams(page)).get('sample.prompt')).toBe(prompt.slice(-2000));
  expect(await page.evaluate(() => location.href.length)).toBeLessThan(10_000);
  await expectWidgetSteps(page, widget, WIDGET);
  expect(errors).toEqual([]);
});

test('emoji, CJK, right-to-left text, control characters and a lone surrogate open and step', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const widget = await openLive(page);
  const cases: { prompt: string; reads: string; how: 'fill' | 'set' }[] = [
    { prompt: 'I love 🍕 and 👨‍👩‍👧 and', reads: 'I love 🍕 and 👨‍👩‍👧 and', how: 'fill' },
    { prompt: '日本語のテキストと中文文本', reads: '日本語のテキストと中文文本', how: 'fill' },
    { prompt: 'שלום עולם مرحبا بالعالم and then', reads: 'שלום עולם مرحبا بالعالم and then', how: 'fill' },
    { prompt: 'a\u0000b\u0007c\u001b[31md\u007f e\u200b\u202eoverride', reads: 'a\u0000b\u0007c\u001b[31md\u007f e\u200b\u202eoverride', how: 'set' },
    // A lone surrogate (half an emoji) is read as U+FFFD, the replacement character.
    { prompt: 'half an emoji \uD83D here', reads: 'half an emoji \uFFFD here', how: 'set' },
  ];
  for (const { prompt, reads, how } of cases) {
    const expected = await expectedPrompt(reads);
    await applyPrompt(widget, prompt, how);
    await expect.poll(() => shownPrompt(widget), { timeout: 30_000 }).toBe(expected);
    await expectNoAlert(widget);
    await expectWidgetSteps(page, widget, WIDGET);
  }
  expect(errors).toEqual([]);
});

test('text that looks like HTML or script is shown as text and never run', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const hostile = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script><b>bold</b> &amp; &lt;';
  const expectInert = async (widget: Locator): Promise<void> => {
    await expect.poll(() => shownPrompt(widget), { timeout: 30_000 }).toBe(hostile);
    await expect(widget.getByTestId('generated')).toContainText(hostile);
    await expect(widget.locator('img, script, b')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  };

  // Typed into the prompt.
  const widget = await openLive(page);
  await applyPrompt(widget, hostile);
  await expectInert(widget);
  await expectWidgetSteps(page, widget, WIDGET);
  await expectInert(widget);

  // From a shared link.
  const fromLink = await openLive(page, `?sample.prompt=${encodeURIComponent(hostile)}`);
  await expect(fromLink.getByRole('textbox', { name: 'Prompt' })).toHaveValue(hostile);
  await expectInert(fromLink);
  await expectWidgetSteps(page, fromLink, WIDGET);
  await expectInert(fromLink);
  expect(errors).toEqual([]);
});

test('token text with "<", newlines, tabs, spaces and control characters renders visibly and literally', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  // Greedy on these prompts puts such tokens among the top candidates (checked below, from Node).
  // The last is nroff's underlining (underscore, backspace), which makes a backspace token likely.
  const prompts = ['a < b\n\tc & d\n\te < f\n\tg & h\n\t', '<<<<<<<<<<<<<<<<<<', '_\b_\b_\b_\b_\b_\b'];
  const seen = new Set<string>();
  for (const prompt of prompts) {
    const params = { ...DEFAULT_PARAMS, prompt, temperature: 0 };
    const example = await computeExample({ id: 'tokens', spec: samplerSpec(params), steps: 1 });
    const trace = example.steps[0].trace as SamplingTrace;
    const widget = await openLive(page, `?sample.temperature=0&sample.prompt=${encodeURIComponent(prompt)}`);
    await expectWidgetSteps(page, widget, WIDGET);
    const rows = widget.getByTestId('top-tokens').locator('tbody tr');
    await expect(rows).toHaveCount(trace.after.length);
    for (const [i, row] of trace.after.entries()) {
      const text = example.tokenText[row.token];
      const cell = rows.nth(i).locator('td').first().locator('code');
      await expect(rows.nth(i)).toHaveAttribute('data-token', String(row.token));
      expect(await cell.textContent()).toBe(visibleWhitespace(text));
      await expect(cell).toHaveAttribute('title', JSON.stringify(text));
      expect(await cell.evaluate((el) => el.children.length)).toBe(0);
      for (const ch of text) seen.add(ch);
    }
  }
  // The cases the rows must have covered for this test to mean anything.
  for (const ch of ['<', '\n', '\t', ' ', '\b']) expect(seen, JSON.stringify(ch)).toContain(ch);
  expect(errors).toEqual([]);
});
