/**
 * The committed measurements, read at build time (they never ship to the browser whole: each
 * section passes its chart only the rows it draws). `npm run bench` and `npm run eval` rewrite
 * the files; the next build shows the new numbers.
 */
import benchJson from '../../../bench/results.json';
import evalJson from '../../../eval/results.json';
import type { BenchResultsView, EvalResultsView } from '../../lib/site/results';

export const bench: BenchResultsView = benchJson;
export const evaluation: EvalResultsView = evalJson;

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

export function runDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
