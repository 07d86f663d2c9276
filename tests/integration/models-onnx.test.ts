import { readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Float32KvCache } from '../../src/lib/runtime/model/float32-kv-cache';

/**
 * The shipped ONNX models (public/models/<name>/onnx/model.onnx) against reference numbers that
 * PyTorch wrote (tests/fixtures/models/<name>.{json,bin}, made by training/fixtures.py).
 * Only committed files are read: CI has no PyTorch.
 */
const MODELS = ['amateur', 'expert', 'expert-early'] as const;
const ROOT = join(import.meta.dirname, '..', '..');
const TOLERANCE = 1e-4; // absolute, on raw logits (fp32 export, so only summation order differs)

interface Block { offset: number; shape: [number, number] }
interface Fixture {
  model: string;
  n_layer: number;
  n_head: number;
  n_embd: number;
  vocab_size: number;
  prompts: { text: string; ids: number[]; layer_logits: Block; logits?: Block }[];
}

function loadFixture(name: string): { fx: Fixture; data: Float32Array } {
  const fx = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'models', `${name}.json`), 'utf8')) as Fixture;
  const buf = readFileSync(join(ROOT, 'tests', 'fixtures', 'models', `${name}.bin`));
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { fx, data };
}

function block(data: Float32Array, b: Block): Float32Array {
  return data.subarray(b.offset, b.offset + b.shape[0] * b.shape[1]);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function int64(values: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map((v) => BigInt(v))), dims);
}

/** The cache between calls: asked with present_new_only, present.* holds the new positions, appended here as the runtime does. */
type Cache = Float32KvCache;

function emptyCache(fx: Fixture, batch: number): Cache {
  return Float32KvCache.empty({ numLayers: fx.n_layer, numHeads: fx.n_head, headDim: fx.n_embd / fx.n_head }, batch);
}

/**
 * One forward pass. ids/positions are [batch][T]; mask is [batch][past + T]. layer_logits are
 * computed unless `layerLogits` is false. `present` is what the graph returned; `cache` the
 * cache after the call (past with the new positions appended, or present itself when `newOnly`
 * is false and the graph joined them).
 */
async function run(
  session: ort.InferenceSession,
  fx: Fixture,
  ids: number[][],
  mask: number[][],
  positions: number[][],
  cache: Cache,
  layerLogits = true,
  newOnly = true,
) {
  const B = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(ids.flat(), [B, ids[0].length]),
    attention_mask: int64(mask.flat(), [B, mask[0].length]),
    position_ids: int64(positions.flat(), [B, positions[0].length]),
    output_layer_logits: new ort.Tensor('bool', [layerLogits], []),
    present_new_only: new ort.Tensor('bool', [newOnly], []),
  };
  for (let i = 0; i < fx.n_layer; i++) {
    feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', cache.keys[i], cache.dims);
    feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', cache.values[i], cache.dims);
  }
  const out = await session.run(feeds);
  const present = { keys: [] as ort.Tensor[], values: [] as ort.Tensor[] };
  for (let i = 0; i < fx.n_layer; i++) {
    present.keys.push(out[`present.${i}.key`] as ort.Tensor);
    present.values.push(out[`present.${i}.value`] as ort.Tensor);
  }
  const keys = present.keys.map((t) => t.data as Float32Array);
  const values = present.values.map((t) => t.data as Float32Array);
  const length = cache.length + ids[0].length;
  const next = newOnly ? cache.append(ids[0].length, keys, values) : new Float32KvCache(cache.shape, B, length, keys, values);
  return { logits: out.logits as ort.Tensor, layerLogits: out.layer_logits as ort.Tensor, present, cache: next };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('bundle size', () => {
  const total = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (sum, e) => sum + (e.isDirectory() ? total(join(dir, e.name)) : statSync(join(dir, e.name)).size),
      0,
    );
  it('everything under public/models totals at most 64 MB', () => {
    expect(total(join(ROOT, 'public', 'models'))).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
  it('the expert, the largest download a chapter starts with, is at most 40 MB', () => {
    expect(total(join(ROOT, 'public', 'models', 'expert'))).toBeLessThanOrEqual(40 * 1024 * 1024);
  });
});

for (const name of MODELS) {
  describe(`ONNX export of ${name}`, async () => {
    const dir = join(ROOT, 'public', 'models', name);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const { fx, data } = loadFixture(name);
    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    const V = fx.vocab_size;
    const N = fx.n_layer;

    it('has the inputs, outputs and `batch_size` dimension that transformers.js expects', () => {
      const past = range(0, N).flatMap((i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]);
      const present = range(0, N).flatMap((i) => [`present.${i}.key`, `present.${i}.value`]);
      const inputs = ['attention_mask', 'input_ids', 'position_ids', 'output_layer_logits', 'present_new_only', ...past];
      expect([...session.inputNames].sort()).toEqual(inputs.sort());
      expect([...session.outputNames].sort()).toEqual(['layer_logits', 'logits', ...present].sort());
      for (const meta of [...session.inputMetadata, ...session.outputMetadata]) {
        if (!meta.isTensor) throw new Error(`${meta.name} is not a tensor`);
        if (meta.name === 'output_layer_logits' || meta.name === 'present_new_only') {
          expect(meta.type).toBe('bool');
          expect(meta.shape).toEqual([]);
          continue;
        }
        const batchAxis = meta.name === 'layer_logits' ? 1 : 0;
        expect(meta.shape[batchAxis], meta.name).toBe('batch_size');
      }
    });

    it('config.json describes the graph and records tied embeddings', () => {
      expect(config.model_type).toBe('gpt2');
      expect(config.n_layer).toBe(N);
      expect(config.vocab_size).toBe(V);
      expect(config.n_positions).toBeGreaterThanOrEqual(256);
      expect(typeof config.tie_word_embeddings).toBe('boolean');
    });

    it('stores a tied embedding once (file size is close to 4 bytes per parameter)', () => {
      const bytes = statSync(join(dir, 'onnx', 'model.onnx')).size;
      expect(config.num_parameters).toBeGreaterThan(0);
      // A duplicated V x C matrix would add V * n_embd * 4 bytes; allow only small graph overhead.
      expect(bytes - 4 * config.num_parameters).toBeLessThan(Math.min(200_000, (V * fx.n_embd * 4) / 2));
    });

    it('reproduces the PyTorch logits and layer_logits within 1e-4', async () => {
      for (const p of fx.prompts) {
        const T = p.ids.length;
        const out = await run(session, fx, [p.ids], [p.ids.map(() => 1)], [range(0, T)], emptyCache(fx, 1));
        expect(out.layerLogits.dims).toEqual([N + 1, 1, V]);
        expect(maxAbsDiff(out.layerLogits.data as Float32Array, block(data, p.layer_logits)), p.text).toBeLessThan(TOLERANCE);
        if (p.logits) {
          expect(out.logits.dims).toEqual([1, T, V]);
          expect(maxAbsDiff(out.logits.data as Float32Array, block(data, p.logits)), p.text).toBeLessThan(TOLERANCE);
        }
      }
    });

    it('layer_logits[N] equals the logits at the last position; premature layers differ from it', async () => {
      const p = fx.prompts[0];
      const T = p.ids.length;
      const out = await run(session, fx, [p.ids], [p.ids.map(() => 1)], [range(0, T)], emptyCache(fx, 1));
      const ll = out.layerLogits.data as Float32Array;
      const last = (out.logits.data as Float32Array).subarray((T - 1) * V, T * V);
      expect(maxAbsDiff(ll.subarray(N * V, (N + 1) * V), last)).toBe(0);
      for (let j = 0; j < N; j++) expect(maxAbsDiff(ll.subarray(j * V, (j + 1) * V), last)).toBeGreaterThan(1e-3);
    });

    it('without output_layer_logits it skips layer_logits and returns the same logits and cache, bit for bit', async () => {
      const p = fx.prompts[1];
      const T = p.ids.length;
      const whole = (layerLogits: boolean) => run(session, fx, [p.ids], [p.ids.map(() => 1)], [range(0, T)], emptyCache(fx, 1), layerLogits);
      const on = await whole(true);
      const off = await whole(false);
      expect(off.layerLogits.dims).toEqual([0, 0, 0]);
      expect(maxAbsDiff(off.logits.data as Float32Array, on.logits.data as Float32Array)).toBe(0);
      for (let i = 0; i < N; i++) {
        expect(maxAbsDiff(off.cache.keys[i], on.cache.keys[i])).toBe(0);
        expect(maxAbsDiff(off.cache.values[i], on.cache.values[i])).toBe(0);
      }
    });

    it('KV-cache incremental logits equal full-sequence logits', async () => {
      const p = fx.prompts[1];
      const T = p.ids.length;
      const full = await run(session, fx, [p.ids], [p.ids.map(() => 1)], [range(0, T)], emptyCache(fx, 1));
      const fullLogits = full.logits.data as Float32Array;
      // First half in one call, then one token at a time through the cache.
      const split = Math.floor(T / 2);
      let step = await run(session, fx, [p.ids.slice(0, split)], [range(0, split).map(() => 1)], [range(0, split)], emptyCache(fx, 1));
      expect(maxAbsDiff(step.logits.data as Float32Array, fullLogits.subarray(0, split * V))).toBeLessThan(TOLERANCE);
      for (let t = split; t < T; t++) {
        step = await run(session, fx, [[p.ids[t]]], [range(0, t + 1).map(() => 1)], [[t]], step.cache);
        // The graph returns the new position only (training/append_kv_outside.py); the cache grows by it.
        expect(step.present.keys[0].dims).toEqual([1, fx.n_head, 1, fx.n_embd / fx.n_head]);
        expect(step.cache.length).toBe(t + 1);
        expect(maxAbsDiff(step.logits.data as Float32Array, fullLogits.subarray(t * V, (t + 1) * V)), `position ${t}`).toBeLessThan(TOLERANCE);
        expect(maxAbsDiff((step.layerLogits.data as Float32Array).subarray(N * V), fullLogits.subarray(t * V, (t + 1) * V))).toBeLessThan(TOLERANCE);
      }
    });

    it('with present_new_only false, present is past and new joined, as a plain export returns it', async () => {
      const p = fx.prompts[1];
      const split = Math.floor(p.ids.length / 2);
      const first = await run(session, fx, [p.ids.slice(0, split)], [range(0, split).map(() => 1)], [range(0, split)], emptyCache(fx, 1));
      const next = (newOnly: boolean) =>
        run(session, fx, [[p.ids[split]]], [range(0, split + 1).map(() => 1)], [[split]], first.cache, true, newOnly);
      const onlyNew = await next(true);
      const whole = await next(false);
      expect(maxAbsDiff(whole.logits.data as Float32Array, onlyNew.logits.data as Float32Array)).toBe(0);
      for (let i = 0; i < N; i++) {
        expect(whole.present.keys[i].dims[2]).toBe(split + 1);
        expect(maxAbsDiff(whole.present.keys[i].data as Float32Array, onlyNew.cache.keys[i])).toBe(0);
        expect(maxAbsDiff(whole.present.values[i].data as Float32Array, onlyNew.cache.values[i])).toBe(0);
      }
    });

    it('a left-padded batch gives each row the logits it gets alone', async () => {
      const a = fx.prompts[0].ids;
      const b = fx.prompts[2].ids;
      const T = Math.max(a.length, b.length);
      const pad = (ids: number[]) => [...Array(T - ids.length).fill(0), ...ids];
      const mask = (ids: number[]) => [...Array(T - ids.length).fill(0), ...ids.map(() => 1)];
      const pos = (ids: number[]) => [...Array(T - ids.length).fill(1), ...range(0, ids.length)];
      const batch = await run(session, fx, [pad(a), pad(b)], [mask(a), mask(b)], [pos(a), pos(b)], emptyCache(fx, 2));
      const bl = batch.layerLogits.data as Float32Array;
      for (const [row, ids] of [[0, a], [1, b]] as const) {
        const alone = await run(session, fx, [ids], [ids.map(() => 1)], [range(0, ids.length)], emptyCache(fx, 1));
        const al = alone.layerLogits.data as Float32Array;
        for (let j = 0; j <= N; j++) {
          const got = bl.subarray((j * 2 + row) * V, (j * 2 + row + 1) * V);
          expect(maxAbsDiff(got, al.subarray(j * V, (j + 1) * V)), `row ${row} layer ${j}`).toBeLessThan(TOLERANCE);
        }
      }
    });
  });
}
