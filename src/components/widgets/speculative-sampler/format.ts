/**
 * How the widget writes trace numbers. Draft and target probabilities of a proposed token are
 * often tiny (1e-5) on a 4,096-token vocabulary, where four decimals would show "0.0000" for
 * two different numbers, so small values switch to scientific notation. Tests format the Node
 * trace with the same function and compare the text.
 */
export function formatProb(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 0.001) return x.toFixed(4);
  return x.toExponential(2);
}

/** p/q can be anything from 0 to thousands. */
export function formatRatio(x: number): string {
  if (x === 0) return '0';
  if (x >= 1000 || x < 0.001) return x.toExponential(2);
  return x.toFixed(4);
}

/** Milliseconds and rates, for display only (never asserted). */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
