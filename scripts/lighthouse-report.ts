/**
 * What npm run lighthouse keeps of each Lighthouse result, and the Markdown table it writes
 * (scripts/lighthouse.ts runs the audits).
 */
import type { Result } from 'lighthouse';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The metrics behind the performance score, in Lighthouse's display units (ms; CLS unitless). */
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'] as const;

export interface RunSummary {
  preset: 'mobile' | 'desktop';
  /** 0 to 100, as Lighthouse shows them. */
  scores: Record<Category, number>;
  /** Scored audits below full marks (performance: metrics under 0.9, Lighthouse's "good"). */
  failed: string[];
  metrics: Record<(typeof METRICS)[number], number>;
  /** Performance of every run of this page and preset (--runs); the rest is the median run's. */
  performanceScores: number[];
}

export interface PageResult {
  path: string;
  runs: RunSummary[];
}

export interface LighthouseReport {
  lighthouseVersion: string;
  chromium: string;
  date: string;
  seconds: number;
  runsPerPage: number;
  loadAverage: { start: number[]; end: number[] };
  pages: PageResult[];
}

export function summarize(lhr: Result): Omit<RunSummary, 'preset' | 'performanceScores'> {
  const scores = Object.fromEntries(CATEGORIES.map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)])) as Record<Category, number>;
  const failed = CATEGORIES.flatMap((id) =>
    (lhr.categories[id]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0)
      .filter((ref) => {
        const score = lhr.audits[ref.id]?.score;
        return score !== null && score !== undefined && score < (id === 'performance' ? 0.9 : 1);
      })
      .map((ref) => ref.id),
  );
  const metrics = Object.fromEntries(METRICS.map((id) => [id, Number((lhr.audits[id]?.numericValue ?? NaN).toFixed(id === 'cumulative-layout-shift' ? 3 : 0))])) as RunSummary['metrics'];
  return { scores, failed, metrics };
}

export function lighthouseMarkdown(report: LighthouseReport): string {
  const rows = report.pages.flatMap((page) =>
    page.runs.map((run) => {
      const m = run.metrics;
      const metrics = `FCP ${m['first-contentful-paint']} ms, LCP ${m['largest-contentful-paint']} ms, TBT ${m['total-blocking-time']} ms, CLS ${m['cumulative-layout-shift']}`;
      const performance = run.performanceScores.length > 1 ? `${run.scores.performance} (${run.performanceScores.join(', ')})` : String(run.scores.performance);
      return `| \`${page.path}\` | ${run.preset} | ${performance} | ${CATEGORIES.slice(1).map((c) => run.scores[c]).join(' | ')} | ${run.failed.map((id) => `\`${id}\``).join(', ') || '—'} | ${metrics} |`;
    }),
  );
  return [
    '# Lighthouse',
    '',
    `Written by \`npm run lighthouse\` (after \`npm run build\`): Lighthouse ${report.lighthouseVersion} in ${report.chromium}, ${report.date}, ${report.seconds} s.`,
    report.runsPerPage > 1 ? `Each row is the median of ${report.runsPerPage} runs by performance score (every run's score in brackets).` : 'One run per row.',
    `Load average (1, 5, 15 min) at the start ${report.loadAverage.start.join(', ')}, at the end ${report.loadAverage.end.join(', ')}: performance scales with`,
    'the CPU time Lighthouse observes, so a busy machine scores lower. Targets: performance ≥ 95, the other three 100.',
    '',
    '| page | preset | performance | accessibility | best practices | SEO | failed audits | metrics |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
