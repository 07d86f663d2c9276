/**
 * Numerical building blocks shared by every decoding method.
 *
 * All functions take Float32Array rows over the vocabulary, never modify them, and return new
 * arrays. Accumulation happens in float64 so that a 150k-token vocabulary sums stably.
 * A masked entry is -Infinity; NaN is never produced from finite or -Infinity input.
 */

function assertNoNaN(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new RangeError(`${what} contains NaN at index ${i}; logits must be numbers or -Infinity`);
    }
  }
}

function assertNonEmpty(values: Float32Array, what: string): void {
  if (values.length === 0) throw new RangeError(`${what} is empty; expected one value per vocabulary entry`);
}

/** Storage a caller passes for a result must be exactly as long as the row it is computed from. */
export function requireStorageLength(into: ArrayLike<number>, length: number): void {
  if (into.length !== length) throw new RangeError(`into must hold ${length} entries, got ${into.length}`);
}

/** Largest value; entries equal to +Infinity win. */
function maxOf(values: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/**
 * Working storage for intermediates that never leave a function, reused across calls: in Chromium
 * on the benchmark machine a fresh 4,096-entry array per call cost several times the arithmetic
 * it held (a softmax: 380 us with one, 71 us without), since fresh memory there is slow to touch.
 * JavaScript runs one call at a time; each module keeps its own instances, and no caller sees the
 * arrays.
 */
abstract class TypedScratch<T extends Float64Array | Float32Array | Uint8Array> {
  private readonly slots: T[] = [];

  protected abstract make(length: number): T;

  /** Slot `slot`'s storage as exactly `length` entries, contents garbage; valid until that slot is asked for again. */
  get(length: number, slot = 0): T {
    const current = this.slots[slot];
    if (current === undefined || current.length < length) return (this.slots[slot] = this.make(length));
    return current.length === length ? current : (current.subarray(0, length) as T);
  }
}

// No constructors of their own, so a bundler sees that creating one has no side effects and can
// drop a module's unused instance (an explicit constructor put DoLa's code on the speculative page).
export class Float64Scratch extends TypedScratch<Float64Array> {
  protected make(length: number): Float64Array {
    return new Float64Array(length);
  }
}

export class Float32Scratch extends TypedScratch<Float32Array> {
  protected make(length: number): Float32Array {
    return new Float32Array(length);
  }
}

export class Uint8Scratch extends TypedScratch<Uint8Array> {
  protected make(length: number): Uint8Array {
    return new Uint8Array(length);
  }
}

const numericsScratch = new Float64Scratch();

/** A Float64Array of `length` entries whose contents are garbage; valid until the next call. */
export function scratchFloat64(length: number): Float64Array {
  return numericsScratch.get(length);
}

/**
 * Probabilities proportional to exp(logits). Entries at -Infinity get probability 0.
 * If some entries are +Infinity they share all the mass equally. A row that is entirely
 * -Infinity has no distribution and throws, since every processor keeps at least one token.
 */
export function softmax(logits: Float32Array, into: Float32Array = new Float32Array(logits.length)): Float32Array {
  assertNonEmpty(logits, 'logits');
  assertNoNaN(logits, 'logits');
  requireStorageLength(into, logits.length);
  const out = into;
  const m = maxOf(logits);
  if (m === -Infinity) throw new RangeError('every logit is -Infinity: no token is left to choose from');
  if (m === Infinity) {
    let count = 0;
    for (let i = 0; i < logits.length; i++) if (logits[i] === Infinity) count++;
    for (let i = 0; i < logits.length; i++) out[i] = logits[i] === Infinity ? 1 / count : 0;
    return out;
  }
  const exps = scratchFloat64(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i] - m);
    exps[i] = e;
    sum += e;
  }
  for (let i = 0; i < logits.length; i++) out[i] = exps[i] / sum;
  return out;
}

/** log(sum(exp(logits))) computed without overflow; -Infinity for an all-masked row. */
export function logSumExp(logits: Float32Array): number {
  assertNonEmpty(logits, 'logits');
  assertNoNaN(logits, 'logits');
  const m = maxOf(logits);
  if (m === -Infinity || m === Infinity) return m;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - m);
  return m + Math.log(sum);
}

/** Log-probabilities: logits - logSumExp(logits). Masked entries stay -Infinity. */
export function logSoftmax(logits: Float32Array): Float32Array {
  const lse = logSumExp(logits);
  if (lse === -Infinity) throw new RangeError('every logit is -Infinity: no token is left to choose from');
  if (lse === Infinity) {
    // Same convention as softmax: the +Infinity entries share the mass.
    return log(softmax(logits));
  }
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

/** Elementwise natural log; log(0) = -Infinity. */
export function log(probs: Float32Array): Float32Array {
  const out = new Float32Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = Math.log(probs[i]);
  return out;
}

/** Rescales non-negative weights to sum to 1. Throws when the total is 0. */
export function normalize(weights: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w >= 0) || w === Infinity) throw new RangeError(`weight ${w} at index ${i} is not a finite non-negative number`);
    sum += w;
  }
  if (sum === 0) throw new RangeError('all weights are 0: nothing to normalise');
  const out = new Float32Array(weights.length);
  for (let i = 0; i < weights.length; i++) out[i] = weights[i] / sum;
  return out;
}

/** Shannon entropy in nats of a probability vector (0 log 0 = 0). */
export function entropy(probs: Float32Array): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

function assertSameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) throw new RangeError(`distributions differ in length: ${a.length} vs ${b.length}`);
}

/** KL(p || q) in nats. Terms with p = 0 are 0; p > 0 where q = 0 gives Infinity. */
export function kl(p: Float32Array, q: Float32Array): number {
  assertSameLength(p, q);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    if (pi <= 0) continue;
    const qi = q[i];
    if (qi <= 0) return Infinity;
    d += pi * (Math.log(pi) - Math.log(qi));
  }
  // Rounding can push a true 0 a hair below; KL is never negative.
  return Math.max(0, d);
}

/** Jensen-Shannon divergence in nats: KL(p||m)/2 + KL(q||m)/2 with m = (p + q)/2. Always finite. */
export function jsd(p: Float32Array, q: Float32Array): number {
  assertSameLength(p, q);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    const qi = q[i];
    const mi = (pi + qi) / 2;
    if (pi > 0) d += 0.5 * pi * (Math.log(pi) - Math.log(mi));
    if (qi > 0) d += 0.5 * qi * (Math.log(qi) - Math.log(mi));
  }
  return Math.max(0, d);
}

/** Total variation distance: half the L1 distance between two distributions. */
export function totalVariation(p: Float32Array, q: Float32Array): number {
  assertSameLength(p, q);
  let d = 0;
  for (let i = 0; i < p.length; i++) d += Math.abs(p[i] - q[i]);
  return d / 2;
}

/** Index of the largest value; ties go to the lowest index, so the choice is deterministic. */
export function argmax(values: Float32Array): number {
  assertNonEmpty(values, 'values');
  assertNoNaN(values, 'values');
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Orders indices by value descending, lower index first among equal values. */
function compareDescending(values: Float32Array) {
  return (a: number, b: number): number => {
    const va = values[a];
    const vb = values[b];
    if (va > vb) return -1;
    if (va < vb) return 1;
    return a - b;
  };
}

// A float32's bits, reordered so that unsigned comparison follows the numbers: one rank per value.
const RANK_F32 = new Float32Array(1);
const RANK_U32 = new Uint32Array(RANK_F32.buffer);
/** Indices below 2^21 fit beside a 32-bit rank in a double's 53 exact bits. */
const INDEX_SPAN = 2 ** 21;

/** 0 for +Infinity, growing as the value falls; -0 ranks with +0, as compareDescending ties them. */
function descendingRank(value: number): number {
  RANK_F32[0] = value === 0 ? 0 : value;
  const bits = RANK_U32[0];
  const ascending = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  return 0xffffffff - ascending;
}

/**
 * All indices sorted by value, largest first; ties keep index order. A float32 row is sorted as
 * packed numbers (rank * 2^21 + index) by the engine's native numeric sort, several times faster
 * than a comparator over the vocabulary and in exactly compareDescending's order.
 */
export function argsortDescending(values: Float32Array): number[] {
  assertNoNaN(values, 'values');
  if (!(values instanceof Float32Array) || values.length > INDEX_SPAN) {
    const idx = Array.from({ length: values.length }, (_, i) => i);
    return idx.sort(compareDescending(values));
  }
  const keys = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) keys[i] = descendingRank(values[i]) * INDEX_SPAN + i;
  keys.sort();
  const order = new Array<number>(values.length);
  for (let i = 0; i < keys.length; i++) order[i] = keys[i] % INDEX_SPAN;
  return order;
}

/**
 * Indices of the k largest values, largest first, ties broken by lower index.
 * Uses a bounded min-heap, so a 150k-entry row with k = 10 costs one pass, not a sort.
 */
export function topKIndices(values: Float32Array, k: number): number[] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be an integer >= 0, got ${k}`);
  assertNoNaN(values, 'values');
  const n = Math.min(k, values.length);
  if (n === 0) return [];
  if (n * 8 >= values.length) return argsortDescending(values).slice(0, n);
  const cmp = compareDescending(values);
  // heap[0] is the worst kept index under cmp (the one that would sort last).
  const heap: number[] = [];
  const worse = (a: number, b: number) => cmp(a, b) > 0;
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && worse(heap[l], heap[w])) w = l;
      if (r < heap.length && worse(heap[r], heap[w])) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w], heap[i]];
      i = w;
    }
  };
  for (let i = 0; i < values.length; i++) {
    if (heap.length < n) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (cmp(i, heap[0]) < 0) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort(cmp);
}
