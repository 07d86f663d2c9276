/** The Models chapter: the three bundled cards with their training curves, and the Hub models. */
import { expect, test } from '@playwright/test';
import { MODELS } from '../../src/lib/runtime/registry';
import { collectPageErrors, seriousAccessibilityViolations, waitForIslandOf } from './support/page-checks';

test('the models page shows each bundled card with its training curve, and the Hub models with their sizes', async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto('/explainers/06-models/');
  await expect(page.getByRole('heading', { level: 1, name: 'Models' })).toBeVisible();
  const cards = page.locator('details.model-card');
  await expect(cards).toHaveCount(3);
  for (const model of ['amateur', 'expert', 'expert-early']) {
    const card = page.locator(`details[data-model="${model}"]`);
    await card.locator('summary').click();
    await expect(card.getByRole('heading', { name: `Model card: ${model}` })).toBeVisible();
    await waitForIslandOf(page, `[data-testid="curve-${model}"]`);
    await expect(card.getByTestId(`curve-${model}`).getByRole('img')).toHaveAccessibleName(/^Training curve of /);
  }
  const hubRows = page.getByRole('table', { name: 'Opt-in models from the Hugging Face Hub' }).locator('tbody tr');
  await expect(hubRows).toHaveCount(MODELS.filter((m) => m.source.kind === 'hub').length);
  await expect(hubRows.first()).toContainText('HuggingFaceTB/SmolLM2-135M-Instruct');
  await expect(hubRows.first()).toContainText('about 200.0 MB (estimated)');
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
