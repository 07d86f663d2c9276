/**
 * Reading the policy server's violation reports at the right moment: reports travel as separate
 * requests, so a test first makes a violation of its own and waits for it.
 */
import { expect, test, type Page } from '@playwright/test';
import { modelWorkers } from './model-worker';
import type { PolicyServer, ViolationReport } from './policy-server';

/** A host no policy of ours allows: fetching it must be reported, which proves reports arrive. */
const SENTINEL = 'https://csp-sentinel.invalid';

/**
 * Makes one deliberate violation in the page and one in each of its model workers, waits until
 * their reports arrive (so every earlier report has arrived too), and returns the reports that are
 * not theirs. Fails if the sentinels are never reported: then the check itself would be blind.
 * (onnxruntime's thread workers report their own violations like any worker, but one waiting for
 * work runs no script, so no sentinel is sent from them.)
 */
export async function reportsAfterSentinels(page: Page, server: PolicyServer): Promise<ViolationReport[]> {
  const marker = `${SENTINEL}/${test.info().testId}`;
  const expected = [`${marker}/page`];
  await page.evaluate((url) => fetch(url).catch(() => undefined), `${marker}/page`);
  for (const [i, worker] of modelWorkers(page).entries()) {
    expected.push(`${marker}/worker-${i}`);
    await worker.evaluate((url) => fetch(url).catch(() => undefined), `${marker}/worker-${i}`);
  }
  await expect
    .poll(() => expected.filter((url) => !server.reports.some((r) => r.blockedUri.startsWith(url))), {
      message: 'the deliberate violations were reported (the report channel works)',
      timeout: 15_000,
    })
    .toEqual([]);
  return server.reports.filter((r) => !r.blockedUri.startsWith(SENTINEL));
}

/** Console errors other than the sentinels' own "Refused to connect" lines. */
export function withoutSentinels(errors: string[]): string[] {
  return errors.filter((e) => !e.includes(SENTINEL));
}
