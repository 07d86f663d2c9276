/**
 * The layer lens on a real graph: the bundled expert stripped of its layer_logits branch (the form
 * published exports have), extended by the lens, gives the early-exit logits the expert's own
 * export gives, to 1e-4, and the reference numbers PyTorch wrote for it, in onnxruntime-node and
 * in onnxruntime-web's WASM build (the site's runtime). Everything else the model computes stays
 * as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { addLayerLens, LAYER_LOGITS_FLAG, LAYER_LOGITS_OUTPUT } from '../../src/lib/runtime/model/lens/extend-lens';
import { EXPERT_ONNX, fusedExpertPath, plainExpertPath, ROOT } from './support/lens-models';
import { RUNTIMES, type Runtime } from './support/ort-runtimes';

const TOLERANCE = 1e-4;
const config = JSON.parse(readFileSync(join(ROOT, 'public', 'models', 'expert', 'config.json'), 'utf8'));
const N: number = config.n_layer;
const V: number = config.vocab_size;
const HEADS: number = config.n_head;
const HEAD_DIM: number = config.n_embd / config.n_head;

interface Block { offset: number; shape: [number, number] }
const fixture = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'models', 'expert.json'), 'utf8')) as {
  prompts: { text: string; ids: number[]; layer_logits: Block }[];
};
const fixtureData = (() => {
  const buf = readFileSync(join(ROOT, 'tests', 'fixtures', 'models', 'expert.bin'));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
})();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const int64 = (rt: Runtime, values: number[], dims: number[]) => new rt.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Feeds for our export asked to return present.* as past + new, as the plain graph does (training/append_kv_outside.py). */
function asPlain(f: Record<string, ort.Tensor>, rt: Runtime = ort): Record<string, ort.Tensor> {
  return { ...f, present_new_only: new rt.Tensor('bool', [false], []) };
}

/** Feeds for rows of equal length after `past` cached positions; `cache` holds present.* of an earlier run. */
function feeds(ids: number[][], past: number, cache: Record<string, ort.Tensor> | null, flag: boolean | null, rt: Runtime = ort) {
  const B = ids.length;
  const T = ids[0].length;
  const f: Record<string, ort.Tensor> = {
    input_ids: int64(rt, ids.flat(), [B, T]),
    attention_mask: int64(rt, new Array<number>(B * (past + T)).fill(1), [B, past + T]),
    position_ids: int64(rt, ids.flatMap(() => range(past, past + T)), [B, T]),
  };
  for (let i = 0; i < N; i++) {
    for (const kv of ['key', 'value']) {
      f[`past_key_values.${i}.${kv}`] = cache?.[`present.${i}.${kv}`] ?? new rt.Tensor('float32', new Float32Array(0), [B, HEADS, 0, HEAD_DIM]);
    }
  }
  if (flag !== null) f[LAYER_LOGITS_FLAG] = new rt.Tensor('bool', [flag], []);
  return f;
}

const data = (t: ort.Tensor | undefined) => t?.data as Float32Array;

describe('layer lens on the expert exported without layer_logits', () => {
  let plain: Uint8Array;
  let own: ort.InferenceSession;
  let bare: ort.InferenceSession;
  let lensed: ort.InferenceSession;
  let lensedBytes: Uint8Array;

  beforeAll(async () => {
    plain = readFileSync(plainExpertPath());
    lensedBytes = addLayerLens(plain, { numLayers: N }).bytes;
    [own, bare, lensed] = await Promise.all([
      ort.InferenceSession.create(EXPERT_ONNX),
      ort.InferenceSession.create(plain),
      ort.InferenceSession.create(lensedBytes),
    ]);
  });

  it('the plain graph really lacks the early exits, and the lens finds the expert\'s blocks and tied head', () => {
    expect(bare.outputNames).not.toContain(LAYER_LOGITS_OUTPUT);
    expect(bare.inputNames).not.toContain(LAYER_LOGITS_FLAG);
    const { plan } = addLayerLens(plain);
    expect(plan.numLayers).toBe(N);
    expect(plan.hidden).toHaveLength(N);
    expect(plan.projection.tied).toBe(config.tie_word_embeddings);
    expect(lensed.outputNames).toContain(LAYER_LOGITS_OUTPUT);
    expect(lensed.inputNames).toContain(LAYER_LOGITS_FLAG);
  });

  describe.each(RUNTIMES)('in %s', (_, rt) => {
    let withLens: ort.InferenceSession;
    let exported: ort.InferenceSession;
    beforeAll(async () => {
      [withLens, exported] = await Promise.all([rt.InferenceSession.create(lensedBytes), rt.InferenceSession.create(EXPERT_ONNX)]);
    });

    it('equals the export\'s own layer_logits and PyTorch\'s, to 1e-4, on real prompts', async () => {
      for (const p of fixture.prompts) {
        const [mine, theirs] = await Promise.all([withLens.run(feeds([p.ids], 0, null, true, rt)), exported.run(asPlain(feeds([p.ids], 0, null, true, rt), rt))]);
        expect(mine[LAYER_LOGITS_OUTPUT].dims).toEqual([N + 1, 1, V]);
        expect(maxAbsDiff(data(mine[LAYER_LOGITS_OUTPUT]), data(theirs[LAYER_LOGITS_OUTPUT])), p.text).toBeLessThanOrEqual(TOLERANCE);
        const reference = fixtureData.subarray(p.layer_logits.offset, p.layer_logits.offset + (N + 1) * V);
        expect(maxAbsDiff(data(mine[LAYER_LOGITS_OUTPUT]), reference), p.text).toBeLessThanOrEqual(TOLERANCE);
      }
    });

    it('reads the last position of every row, through the KV cache, in a batch of two', async () => {
      const [a, b] = fixture.prompts;
      const T = Math.min(a.ids.length, b.ids.length) - 1;
      const rows = [a.ids.slice(0, T), b.ids.slice(0, T)];
      const next = [[a.ids[T]], [b.ids[T]]];
      const [mineFirst, theirsFirst] = await Promise.all([withLens.run(feeds(rows, 0, null, true, rt)), exported.run(asPlain(feeds(rows, 0, null, true, rt), rt))]);
      expect(maxAbsDiff(data(mineFirst[LAYER_LOGITS_OUTPUT]), data(theirsFirst[LAYER_LOGITS_OUTPUT]))).toBeLessThanOrEqual(TOLERANCE);
      const [mine, theirs] = await Promise.all([
        withLens.run(feeds(next, T, mineFirst as Record<string, ort.Tensor>, true, rt)),
        exported.run(asPlain(feeds(next, T, theirsFirst as Record<string, ort.Tensor>, true, rt), rt)),
      ]);
      expect(mine[LAYER_LOGITS_OUTPUT].dims).toEqual([N + 1, 2, V]);
      expect(maxAbsDiff(data(mine[LAYER_LOGITS_OUTPUT]), data(theirs[LAYER_LOGITS_OUTPUT]))).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('entry N is the logits at the last position exactly; with the flag off the output is empty', async () => {
    const p = fixture.prompts[2];
    const on = await lensed.run(feeds([p.ids], 0, null, true));
    const T = p.ids.length;
    expect(maxAbsDiff(data(on[LAYER_LOGITS_OUTPUT]).subarray(N * V), data(on.logits).subarray((T - 1) * V))).toBe(0);
    const off = await lensed.run(feeds([p.ids], 0, null, false));
    expect(off[LAYER_LOGITS_OUTPUT].dims).toEqual([0, 0, 0]);
  });

  it('leaves logits and the KV cache as the plain graph computes them, bit for bit', async () => {
    const p = fixture.prompts[0];
    const [mine, base] = await Promise.all([lensed.run(feeds([p.ids], 0, null, true)), bare.run(feeds([p.ids], 0, null, null))]);
    for (const name of bare.outputNames) expect(maxAbsDiff(data(mine[name]), data(base[name])), name).toBe(0);
  });

  it('ungated, it computes the same early exits on every run', async () => {
    const session = await ort.InferenceSession.create(addLayerLens(plain, { gate: false }).bytes);
    expect(session.inputNames).not.toContain(LAYER_LOGITS_FLAG);
    const p = fixture.prompts[1];
    const [mine, theirs] = await Promise.all([session.run(feeds([p.ids], 0, null, null)), own.run(asPlain(feeds([p.ids], 0, null, true)))]);
    expect(maxAbsDiff(data(mine[LAYER_LOGITS_OUTPUT]), data(theirs[LAYER_LOGITS_OUTPUT]))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('is a valid ONNX model to the onnx Python package\'s checker', () => {
    const out = join(ROOT, 'tests', '.cache', 'lens', 'expert-lensed.onnx');
    writeFileSync(out, lensedBytes);
    const check = 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")';
    expect(execFileSync('/usr/bin/python3', ['-c', check, out], { encoding: 'utf8' }).trim()).toBe('ok');
  });

  it('refuses a model that already has the output', () => {
    expect(() => addLayerLens(readFileSync(EXPERT_ONNX))).toThrow(/already has an output "layer_logits"/);
    expect(() => addLayerLens(lensedBytes)).toThrow(/already has an output "layer_logits"/);
  });
});

describe("layer lens on the expert in GPT-2's fused form (SkipLayerNormalization, the residual sum as output 3)", () => {
  let fused: Uint8Array;
  beforeAll(() => {
    fused = readFileSync(fusedExpertPath());
  });

  it('is really fused: no decomposed LayerNorm is left, and the lens finds every block through the fused sums', async () => {
    const session = await ort.InferenceSession.create(fused);
    expect(session.outputNames).not.toContain(LAYER_LOGITS_OUTPUT);
    const { plan } = addLayerLens(fused);
    expect(plan.numLayers).toBe(N);
    expect(plan.projection.tied).toBe(config.tie_word_embeddings);
    const ops = execFileSync('/usr/bin/python3', ['-c', 'import sys, onnx; print(" ".join(n.op_type for n in onnx.load(sys.argv[1]).graph.node))', fusedExpertPath()], { encoding: 'utf8' }).split(' ');
    expect(ops.filter((op) => op === 'SkipLayerNormalization')).toHaveLength(2 * N + 1);
    expect(ops).not.toContain('ReduceMean');
  });

  describe.each(RUNTIMES)('in %s', (_, rt) => {
    it("equals the export's own layer_logits to 1e-4, after the prompt and after a cached step", async () => {
      const [withLens, exported] = await Promise.all([rt.InferenceSession.create(addLayerLens(fused).bytes), rt.InferenceSession.create(EXPERT_ONNX)]);
      for (const p of fixture.prompts) {
        const T = p.ids.length - 1;
        const [mineFirst, theirsFirst] = await Promise.all([withLens.run(feeds([p.ids.slice(0, T)], 0, null, true, rt)), exported.run(asPlain(feeds([p.ids.slice(0, T)], 0, null, true, rt), rt))]);
        expect(maxAbsDiff(data(mineFirst[LAYER_LOGITS_OUTPUT]), data(theirsFirst[LAYER_LOGITS_OUTPUT])), p.text).toBeLessThanOrEqual(TOLERANCE);
        const [mine, theirs] = await Promise.all([
          withLens.run(feeds([[p.ids[T]]], T, mineFirst as Record<string, ort.Tensor>, true, rt)),
          exported.run(asPlain(feeds([[p.ids[T]]], T, theirsFirst as Record<string, ort.Tensor>, true, rt), rt)),
        ]);
        expect(maxAbsDiff(data(mine[LAYER_LOGITS_OUTPUT]), data(theirs[LAYER_LOGITS_OUTPUT])), p.text).toBeLessThanOrEqual(TOLERANCE);
        expect(maxAbsDiff(data(mine.logits), data(theirs.logits)), p.text).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  });
});
