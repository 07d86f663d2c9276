/**
 * Parameter checks shared by processors and strategies. Each failure names the parameter, the
 * value it got and the range it accepts, so a slider or URL bug reads as a sentence.
 */

export interface Range {
  min?: number;
  max?: number;
  /** Whether `min` itself is allowed (default true). */
  minInclusive?: boolean;
  /** Whether `max` itself is allowed (default true). */
  maxInclusive?: boolean;
  integer?: boolean;
}

export function describeRange(range: Range): string {
  const parts: string[] = [];
  if (range.min !== undefined) parts.push(`${range.minInclusive === false ? '>' : '>='} ${range.min}`);
  if (range.max !== undefined) parts.push(`${range.maxInclusive === false ? '<' : '<='} ${range.max}`);
  const kind = range.integer ? 'an integer' : 'a number';
  return parts.length ? `${kind} ${parts.join(' and ')}` : `a finite ${kind.replace(/^an? /, '')}`;
}

/** Throws a RangeError unless `value` is a finite number inside `range`; returns it otherwise. */
export function requireInRange(name: string, value: unknown, range: Range): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || (range.minInclusive === false ? value > range.min : value >= range.min)) &&
    (range.max === undefined || (range.maxInclusive === false ? value < range.max : value <= range.max));
  if (!ok) throw new RangeError(`${name} must be ${describeRange(range)}, got ${String(value)}`);
  return value as number;
}

/** Token ids must be integers in [0, vocabSize). */
export function requireTokenIds(name: string, ids: readonly number[], vocabSize: number): void {
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new RangeError(`${name} must hold token ids in [0, ${vocabSize - 1}], got ${String(id)}`);
    }
  }
}
