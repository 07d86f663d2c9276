/**
 * A KV cache held as plain Float32Arrays, one key and one value array per layer, each laid out
 * [batch, heads, length, headDim] like the ONNX export's past_key_values inputs. Keeping it in
 * ordinary memory (not in runtime tensors or GPU buffers) makes cropping and beam reordering
 * exact element copies, and lets a session keep an old cache to undo a step. With a pool, the
 * caches it derives take their arrays from it and release() gives them back.
 */
import type { KvCache } from '../../sessions/model';
import type { FloatBufferPool } from './float-buffer-pool';

export interface KvShape {
  numLayers: number;
  numHeads: number;
  headDim: number;
}

export class Float32KvCache implements KvCache {
  private released = false;

  constructor(
    readonly shape: KvShape,
    readonly batch: number,
    readonly length: number,
    /** keys[layer], values[layer]: batch * heads * length * headDim floats each. */
    readonly keys: readonly Float32Array[],
    readonly values: readonly Float32Array[],
    private readonly pool: FloatBufferPool | null = null,
  ) {
    const expected = batch * shape.numHeads * length * shape.headDim;
    if (keys.length !== shape.numLayers || values.length !== shape.numLayers) {
      throw new RangeError(`a KV cache needs ${shape.numLayers} key and value arrays, got ${keys.length} and ${values.length}`);
    }
    for (const array of [...keys, ...values]) {
      if (array.length !== expected) {
        throw new RangeError(
          `a KV cache array must hold batch * heads * length * headDim = ${expected} floats, got ${array.length}`,
        );
      }
    }
  }

  /** An empty cache (length 0) with `batch` rows, what the model is fed before the first token. */
  static empty(shape: KvShape, batch: number, pool: FloatBufferPool | null = null): Float32KvCache {
    const none = Array.from({ length: shape.numLayers }, () => new Float32Array(0));
    return new Float32KvCache(shape, batch, 0, none, none, pool);
  }

  /** Throws once release() has run: the arrays may already hold another cache. */
  requireLive(): void {
    if (this.released) throw new Error('this KV cache was disposed and cannot be used again');
  }

  /** Gives the arrays back to the pool; the cache must not be used afterwards (a second call does nothing). */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const array of [...this.keys, ...this.values]) this.pool?.release(array);
  }

  private allocate(floats: number): Float32Array {
    return this.pool ? this.pool.take(floats) : new Float32Array(floats);
  }

  /** [batch, heads, length, headDim], the dims of each array. */
  get dims(): [number, number, number, number] {
    return [this.batch, this.shape.numHeads, this.length, this.shape.headDim];
  }

  /** The first `length` positions of every row and head. */
  crop(length: number): Float32KvCache {
    if (!Number.isInteger(length) || length < 0 || length > this.length) {
      throw new RangeError(`crop length must be an integer in [0, ${this.length}], got ${length}`);
    }
    this.requireLive();
    const rowsPerArray = this.batch * this.shape.numHeads;
    const cropArray = (source: Float32Array): Float32Array => {
      const out = this.allocate(rowsPerArray * length * this.shape.headDim);
      const oldStride = this.length * this.shape.headDim;
      const newStride = length * this.shape.headDim;
      for (let r = 0; r < rowsPerArray; r++) out.set(source.subarray(r * oldStride, r * oldStride + newStride), r * newStride);
      return out;
    };
    return new Float32KvCache(this.shape, this.batch, length, this.keys.map(cropArray), this.values.map(cropArray), this.pool);
  }

  /**
   * This cache followed by `added` more positions per row and head: `keys[layer]` and
   * `values[layer]` laid out [batch, heads, added, headDim], as a graph gives them that outputs
   * only the new positions (training/append_kv_outside.py).
   */
  append(added: number, keys: readonly Float32Array[], values: readonly Float32Array[]): Float32KvCache {
    this.requireLive();
    if (keys.length !== this.shape.numLayers || values.length !== this.shape.numLayers) {
      throw new RangeError(`appending needs ${this.shape.numLayers} key and value arrays, got ${keys.length} and ${values.length}`);
    }
    const { headDim } = this.shape;
    const rowsPerArray = this.batch * this.shape.numHeads;
    const length = this.length + added;
    const appendArray = (old: Float32Array, fresh: Float32Array): Float32Array => {
      if (fresh.length !== rowsPerArray * added * headDim) {
        throw new RangeError(`appended KV arrays must hold batch * heads * ${added} * headDim = ${rowsPerArray * added * headDim} floats, got ${fresh.length}`);
      }
      const out = this.allocate(rowsPerArray * length * headDim);
      for (let r = 0; r < rowsPerArray; r++) {
        out.set(old.subarray(r * this.length * headDim, (r + 1) * this.length * headDim), r * length * headDim);
        out.set(fresh.subarray(r * added * headDim, (r + 1) * added * headDim), (r * length + this.length) * headDim);
      }
      return out;
    };
    return new Float32KvCache(
      this.shape,
      this.batch,
      length,
      this.keys.map((old, layer) => appendArray(old, keys[layer])),
      this.values.map((old, layer) => appendArray(old, values[layer])),
      this.pool,
    );
  }

  /** A cache whose row i is row rows[i] of this one (rows may repeat or be dropped). */
  selectRows(rows: readonly number[]): Float32KvCache {
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= this.batch) {
        throw new RangeError(`cache row indices must be integers in [0, ${this.batch - 1}], got ${row}`);
      }
    }
    if (rows.length === 0) throw new RangeError('selectRows needs at least one row index');
    this.requireLive();
    const rowSize = this.shape.numHeads * this.length * this.shape.headDim;
    const selectArray = (source: Float32Array): Float32Array => {
      const out = this.allocate(rows.length * rowSize);
      rows.forEach((row, i) => out.set(source.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize));
      return out;
    };
    return new Float32KvCache(this.shape, rows.length, this.length, this.keys.map(selectArray), this.values.map(selectArray), this.pool);
  }
}
