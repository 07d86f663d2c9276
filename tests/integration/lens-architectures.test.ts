/**
 * The layer lens on tiny Llama and Qwen2 models (training/lens_fixtures.py) in the graph forms
 * published web exports use: torch's plain export (decomposed RMSNorm, Add residuals), and fused
 * graphs (SimplifiedLayerNormalization, SkipSimplifiedLayerNormalization whose residual sum is an
 * extra output, GroupQueryAttention), with a tied, an untied and a 4-bit MatMulNBits head. The
 * early exits it adds equal PyTorch's lm_head(h_j) to 1e-4, in onnxruntime-node and in
 * onnxruntime-web's WASM build (the site's runtime).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addLayerLens, LAYER_LOGITS_FLAG, LAYER_LOGITS_OUTPUT } from '../../src/lib/runtime/model/lens/extend-lens';
import { ROOT } from './support/lens-models';
import { RUNTIMES, type Runtime } from './support/ort-runtimes';

const TOLERANCE = 1e-4;
const DIR = join(ROOT, 'tests', 'fixtures', 'lens');

interface Case { ids: number[][]; last_logits: number[]; layer_logits: number[] }
interface Form {
  arch: string;
  num_layers: number;
  vocab_size: number;
  num_kv_heads: number;
  head_dim: number;
  tie_word_embeddings: boolean;
  position_ids: boolean;
  cases: Case[];
}
const FORMS = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Form>;

const int64 = (rt: Runtime, values: number[], dims: number[]) => new rt.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function feeds(rt: Runtime, form: Form, rows: number[][], past: number, cache: ort.InferenceSession.OnnxValueMapType | null) {
  const B = rows.length;
  const T = rows[0].length;
  const f: Record<string, ort.Tensor> = {
    input_ids: int64(rt, rows.flat(), [B, T]),
    attention_mask: int64(rt, new Array<number>(B * (past + T)).fill(1), [B, past + T]),
    [LAYER_LOGITS_FLAG]: new rt.Tensor('bool', [true], []),
  };
  if (form.position_ids) f.position_ids = int64(rt, rows.flatMap(() => range(past, past + T)), [B, T]);
  for (let i = 0; i < form.num_layers; i++) {
    for (const kv of ['key', 'value']) {
      f[`past_key_values.${i}.${kv}`] =
        (cache?.[`present.${i}.${kv}`] as ort.Tensor | undefined) ?? new rt.Tensor('float32', new Float32Array(0), [B, form.num_kv_heads, 0, form.head_dim]);
    }
  }
  return f;
}

/** logits at the last position of every row, [B, V] flattened, from a [B, T, V] output. */
function lastLogits(tensor: ort.Tensor): Float32Array {
  const [B, T, V] = tensor.dims as number[];
  const data = tensor.data as Float32Array;
  const out = new Float32Array(B * V);
  for (let b = 0; b < B; b++) out.set(data.subarray((b * T + T - 1) * V, (b * T + T) * V), b * V);
  return out;
}

describe.each(Object.keys(FORMS))('layer lens on %s', (name) => {
  const form = FORMS[name];
  const bytes = readFileSync(join(DIR, `${name}.onnx`));

  it('finds the blocks and whether the head is tied', () => {
    const { plan } = addLayerLens(bytes, { numLayers: form.num_layers });
    expect(plan.hidden).toHaveLength(form.num_layers);
    expect(plan.projection.tied).toBe(form.tie_word_embeddings);
    expect(plan.projection.head.opType).toBe(name.endsWith('q4head') ? 'MatMulNBits' : 'MatMul');
  });

  describe.each(RUNTIMES)('in %s', (_, rt) => {
    it('computes PyTorch\'s logits, and early exits equal to PyTorch\'s lm_head(h_j), to 1e-4', async () => {
      const session = await rt.InferenceSession.create(addLayerLens(bytes, { numLayers: form.num_layers }).bytes);
      for (const c of form.cases) {
        const out = await session.run(feeds(rt, form, c.ids, 0, null));
        // The graph is the PyTorch model (a check on the fixture, before the lens is judged).
        expect(maxAbsDiff(lastLogits(out.logits as ort.Tensor), c.last_logits)).toBeLessThanOrEqual(TOLERANCE);
        const layers = out[LAYER_LOGITS_OUTPUT] as ort.Tensor;
        expect(layers.dims).toEqual([form.num_layers + 1, c.ids.length, form.vocab_size]);
        expect(maxAbsDiff(layers.data as Float32Array, c.layer_logits), `rows ${JSON.stringify(c.ids)}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });

    it('gives the same early exits one token at a time through the KV cache', async () => {
      const session = await rt.InferenceSession.create(addLayerLens(bytes, { numLayers: form.num_layers }).bytes);
      const c = form.cases.find((k) => k.ids.length === 1 && k.ids[0].length > 4) as Case;
      const ids = c.ids[0];
      const split = ids.length - 2;
      let out = await session.run(feeds(rt, form, [ids.slice(0, split)], 0, null));
      for (let t = split; t < ids.length; t++) out = await session.run(feeds(rt, form, [[ids[t]]], t, out));
      expect(maxAbsDiff((out[LAYER_LOGITS_OUTPUT] as ort.Tensor).data as Float32Array, c.layer_logits)).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});
