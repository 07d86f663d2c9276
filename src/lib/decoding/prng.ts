/**
 * Seeded randomness. Every random choice on the site flows through a `Random` made here, so a
 * trace can be replayed exactly from its seed (and back() then step() reproduces a step).
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** The serialisable state of a seeded generator: four 32-bit words. */
export type RandomState = [number, number, number, number];

/** splitmix32 spreads an arbitrary 32-bit seed over the four words of sfc32's state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded generator (sfc32: small, fast, passes PractRand) whose state can be read and
 * restored, which is what lets a session undo a step and redo it with the same draws.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | RandomState) {
    if (Array.isArray(seed)) {
      [this.a, this.b, this.c, this.d] = seed.map((w) => w >>> 0) as RandomState;
      return;
    }
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const mix = splitmix32(Math.trunc(seed));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    // Discard the first outputs: sfc32 starts weakly from related seeds.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  getState(): RandomState {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: RandomState): void {
    [this.a, this.b, this.c, this.d] = state.map((w) => w >>> 0) as RandomState;
  }

  /** A plain function view, for APIs that take `random: () => number`. */
  asFunction(): Random {
    return () => this.next();
  }
}

/** A seeded `() => number` in [0, 1). */
export function createRandom(seed: number): Random {
  return new SeededRandom(seed).asFunction();
}

/**
 * Draws an index with probability proportional to `weights` (non-negative, not necessarily
 * normalised), by inverse CDF with one uniform draw. Zero-weight entries are never chosen,
 * even when rounding leaves the draw past the running total.
 */
export function sampleIndex(weights: Float32Array, random: Random): number {
  let total = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w >= 0) || w === Infinity) throw new RangeError(`weight ${w} at index ${i} is not a finite non-negative number`);
    if (w > 0) {
      total += w;
      last = i;
    }
  }
  if (last < 0) throw new RangeError('all weights are 0: nothing to sample from');
  const u = random();
  if (!(u >= 0 && u < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${u}`);
  const target = u * total;
  let cumulative = 0;
  for (let i = 0; i <= last; i++) {
    const w = weights[i];
    if (w === 0) continue;
    cumulative += w;
    if (target < cumulative) return i;
  }
  return last;
}
