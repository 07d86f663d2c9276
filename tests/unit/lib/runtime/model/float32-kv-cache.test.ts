import { describe, expect, it } from 'vitest';
import { FloatBufferPool } from '../../../../../src/lib/runtime/model/float-buffer-pool';
import { Float32KvCache } from '../../../../../src/lib/runtime/model/float32-kv-cache';

/** A cache whose every float names where it sits: layer, row (batch * heads), position, channel. */
function labelled(length: number, batch = 2): Float32KvCache {
  const shape = { numLayers: 2, numHeads: 3, headDim: 2 };
  const make = (kind: number) => (layer: number) =>
    Float32Array.from({ length: batch * 3 * length * 2 }, (_, i) => {
      const row = Math.floor(i / (length * 2));
      const position = Math.floor(i / 2) % length;
      return kind * 10000 + layer * 1000 + row * 100 + position * 2 + (i % 2);
    });
  return new Float32KvCache(shape, batch, length, [0, 1].map(make(1)), [0, 1].map(make(2)));
}

describe('Float32KvCache.append', () => {
  it('puts the new positions after the old ones in every row, head and layer', () => {
    const old = labelled(3);
    const fresh = labelled(2);
    const joined = old.append(2, fresh.keys, fresh.values);
    expect(joined.length).toBe(5);
    expect(joined.dims).toEqual([2, 3, 5, 2]);
    for (let layer = 0; layer < 2; layer++) {
      for (let row = 0; row < 6; row++) {
        const slice = (a: Float32Array, length: number, from: number, to: number) => Array.from(a.subarray((row * length + from) * 2, (row * length + to) * 2));
        expect(slice(joined.keys[layer], 5, 0, 3)).toEqual(slice(old.keys[layer], 3, 0, 3));
        expect(slice(joined.keys[layer], 5, 3, 5)).toEqual(slice(fresh.keys[layer], 2, 0, 2));
        expect(slice(joined.values[layer], 5, 3, 5)).toEqual(slice(fresh.values[layer], 2, 0, 2));
      }
    }
  });

  it('appended to an empty cache gives the new positions, and a crop undoes an append', () => {
    const fresh = labelled(4);
    const first = Float32KvCache.empty(fresh.shape, 2).append(4, fresh.keys, fresh.values);
    expect(first.keys.map((k) => Array.from(k))).toEqual(fresh.keys.map((k) => Array.from(k)));
    const back = first.append(4, fresh.keys, fresh.values).crop(4);
    expect(back.values.map((v) => Array.from(v))).toEqual(fresh.values.map((v) => Array.from(v)));
  });

  it('refuses arrays of the wrong size', () => {
    const old = labelled(3);
    const short = labelled(1);
    expect(() => old.append(2, short.keys, short.values)).toThrow(/must hold batch \* heads \* 2 \* headDim = 24 floats, got 12/);
    expect(() => old.append(1, short.keys.slice(1), short.values)).toThrow(/needs 2 key and value arrays/);
  });
});

describe('Float32KvCache with a buffer pool', () => {
  it('a step takes the storage the released cache gave back, and writes every float of it', () => {
    const pool = new FloatBufferPool();
    const fresh = labelled(1);
    const first = Float32KvCache.empty(fresh.shape, 2, pool).append(1, fresh.keys, fresh.values).append(1, fresh.keys, fresh.values);
    const buffers = new Set([...first.keys, ...first.values].map((a) => a.buffer));
    const second = first.append(1, fresh.keys, fresh.values);
    first.release();
    const third = second.append(1, fresh.keys, fresh.values);
    expect([...third.keys, ...third.values].filter((a) => buffers.has(a.buffer))).toHaveLength(4);
    const expected = labelled(1);
    for (let layer = 0; layer < 2; layer++) {
      for (let row = 0; row < 6; row++) {
        for (let position = 0; position < 4; position++) {
          const at = (row * 4 + position) * 2;
          expect(Array.from(third.keys[layer].subarray(at, at + 2))).toEqual(Array.from(expected.keys[layer].subarray(row * 2, row * 2 + 2)));
          expect(Array.from(third.values[layer].subarray(at, at + 2))).toEqual(Array.from(expected.values[layer].subarray(row * 2, row * 2 + 2)));
        }
      }
    }
  });

  it('a released cache refuses to be read again, and a second release gives nothing back twice', () => {
    const pool = new FloatBufferPool();
    const fresh = labelled(2);
    const cache = Float32KvCache.empty(fresh.shape, 2, pool).append(2, fresh.keys, fresh.values);
    cache.release();
    cache.release();
    expect(() => cache.crop(1)).toThrow(/disposed/);
    expect(() => cache.append(1, fresh.keys, fresh.values)).toThrow(/disposed/);
    const a = pool.take(cache.keys[0].length);
    const b = pool.take(cache.keys[0].length);
    const c = pool.take(cache.keys[0].length);
    expect(new Set([a.buffer, b.buffer, c.buffer]).size).toBe(3);
  });
});
