/** Small summary statistics for the benchmark (medians, as the issue asks, plus the spread). */

export { median } from '../src/lib/stats/median';

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Rounds for JSON: milliseconds to 0.01 ms is far below the run-to-run noise. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
