/**
 * What every logits processor shares: the contract, the per-stage record that traces keep, row
 * checks, and a float64 softmax for the probability-based filters.
 *
 * The contract follows Hugging Face transformers' `LogitsProcessor`: parameters are validated
 * once, in the constructor, and `process(contextIds, logits)` returns NEW logits (the input is
 * never modified) in which removed tokens are `-Infinity`.
 */
import { requireStorageLength } from '../numerics';
import { checkRow } from '../rows';

export { checkRow };

export type ProcessorName =
  | 'repetitionPenalty'
  | 'noRepeatNgram'
  | 'temperature'
  | 'topK'
  | 'topP'
  | 'minP'
  | 'typical';

/** What one stage of the pipeline did to a row, as traces record it (JSON-clean). */
export interface StageRecord {
  name: ProcessorName;
  /** Tokens with a finite score after this stage. */
  kept: number;
  /** Tokens this stage newly set to -Infinity. */
  removed: number;
  /** Tokens whose score this stage changed, masking included. */
  affected: number;
  /**
   * The cut the stage computed, or null where it has none:
   * topK: the k-th largest score (ties with it are kept);
   * topP: the probability of the token that crossed p (the smallest kept probability);
   * minP: `minP * max p`, the smallest probability a token may have;
   * typical: the entropy H of the distribution it filtered, in nats.
   */
  threshold: number | null;
}

/** A processor's result with the record of what it decided. */
export interface StageResult {
  logits: Float32Array;
  record: StageRecord;
}

export interface LogitsProcessor {
  readonly name: ProcessorName;
  /** New logits for this row; `contextIds` are the prompt and generated tokens so far. */
  process(contextIds: readonly number[], logits: Float32Array): Float32Array;
  /** Same as `process`, plus what the stage decided, for traces. */
  run(contextIds: readonly number[], logits: Float32Array): StageResult;
}

/** A stage's new logits and its threshold, before the generic counts are added. */
export interface Computed {
  logits: Float32Array;
  threshold: number | null;
}


/** Number of finite entries of a row. */
export function countFinite(logits: Float32Array): number {
  let n = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) n++;
  return n;
}

/** Largest entry of a row (-Infinity for an all-masked row). */
export function maxOf(logits: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > m) m = logits[i];
  return m;
}

/**
 * log(sum exp(logits)) in float64, for a row checked by `checkRow` (no +Infinity, some finite).
 */
export function logSumExp64(logits: Float32Array): number {
  const m = maxOf(logits);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - m);
  return m + Math.log(sum);
}

/**
 * Softmax in float64: masked entries get exactly 0; the entries sum to 1 up to float64 rounding.
 * Every entry of `into` is written, so a caller may pass storage it reuses.
 */
export function softmax64(logits: Float32Array, into: Float64Array = new Float64Array(logits.length)): Float64Array {
  requireStorageLength(into, logits.length);
  const m = maxOf(logits);
  const out = into;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i] - m);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Indices of the finite entries, ordered by `key` (ascending or descending), lower index first among ties. */
export function finiteIndicesBy(logits: Float32Array, key: ArrayLike<number>, direction: 'asc' | 'desc'): number[] {
  const idx: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) idx.push(i);
  const sign = direction === 'asc' ? 1 : -1;
  return idx.sort((a, b) => {
    const ka = key[a];
    const kb = key[b];
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return a - b;
  });
}

/** A row where only `keep` (a list of indices) keeps its score; everything else is -Infinity. */
export function keepOnly(logits: Float32Array, keep: readonly number[]): Float32Array {
  const out = new Float32Array(logits.length).fill(-Infinity);
  for (const i of keep) out[i] = logits[i];
  return out;
}

/** The counts a stage record holds, from the row before and after the stage. */
export function stageRecord(name: ProcessorName, before: Float32Array, after: Float32Array, threshold: number | null): StageRecord {
  let kept = 0;
  let removed = 0;
  let affected = 0;
  for (let i = 0; i < after.length; i++) {
    const a = after[i];
    const b = before[i];
    if (a !== -Infinity) kept++;
    else if (b !== -Infinity) removed++;
    if (a !== b) affected++;
  }
  return { name, kept, removed, affected, threshold: threshold !== null && Number.isFinite(threshold) ? threshold : null };
}

/**
 * Stores `value` as float32 and throws when a finite score overflows to +-Infinity there
 * (a tiny temperature or penalty), instead of letting it silently mask or dominate the row.
 * `describe` builds the message only on failure (this runs once per vocabulary entry).
 */
export function toFloat32Checked(value: number, describe: () => string): number {
  const f = Math.fround(value);
  if (f === Infinity || f === -Infinity) throw new RangeError(`${describe()} overflows float32 (${value}); use a less extreme value`);
  return f;
}

/**
 * Base for the processor classes: `process` is `run` without the record. Subclasses validate in
 * their constructor and implement `compute`.
 */
export abstract class BaseProcessor implements LogitsProcessor {
  abstract readonly name: ProcessorName;

  process(contextIds: readonly number[], logits: Float32Array): Float32Array {
    return this.compute(contextIds, logits).logits;
  }

  run(contextIds: readonly number[], logits: Float32Array): StageResult {
    const { logits: out, threshold } = this.compute(contextIds, logits);
    return { logits: out, record: stageRecord(this.name, logits, out, threshold) };
  }

  protected abstract compute(contextIds: readonly number[], logits: Float32Array): Computed;
}
