/**
 * The extender on whole tiny models written here, run in onnxruntime-node: a head with a bias and
 * a Cast after it (each copied in order), both ways of writing Unsqueeze (axes as an input from
 * opset 13, as an attribute before), gated and ungated. The models also output their own residual
 * stream, so the expected early exits are computed here from it, in double precision.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addLayerLens, LAYER_LOGITS_FLAG, LAYER_LOGITS_OUTPUT } from '../../../../../src/lib/runtime/model/lens/extend-lens';
import { DataType } from '../../../../../src/lib/runtime/model/lens/onnx-read';
import { encodeModelFragment, type NewNode, type SmallTensor } from '../../../../../src/lib/runtime/model/lens/onnx-write';

const C = 8;
const V = 16;
const LAYERS = 2;

/** Deterministic weights in [-1, 1) (a linear congruential generator; no test depends on the seed). */
function weights(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

interface TinyModel { bytes: Uint8Array; wte: number[]; head: number[]; bias: number[] }

/** embedding -> LAYERS pre-norm blocks (tanh sublayers) -> RMS norm -> MatMul + bias -> Cast. */
function tinyModel(opset: number): TinyModel {
  const wte = weights(V * C, 1);
  const head = weights(C * V, 2);
  const bias = weights(V, 3);
  const initializers: { name: string; tensor: SmallTensor }[] = [
    { name: 'wte', tensor: { dataType: DataType.FLOAT, dims: [V, C], values: wte } },
    { name: 'head', tensor: { dataType: DataType.FLOAT, dims: [C, V], values: head } },
    { name: 'head_bias', tensor: { dataType: DataType.FLOAT, dims: [V], values: bias } },
    { name: 'gamma', tensor: { dataType: DataType.FLOAT, dims: [C], values: new Array<number>(C).fill(1) } },
  ];
  const nodes: NewNode[] = [{ name: 'embed', opType: 'Gather', inputs: ['wte', 'input_ids'], outputs: ['h_0'] }];
  const norm = (x: string, out: string): NewNode => ({
    name: out, opType: 'SimplifiedLayerNormalization', inputs: [x, 'gamma'], outputs: [out], attributes: [{ name: 'axis', int: -1 }],
  });
  for (let j = 0; j < LAYERS; j++) {
    for (const [k, from, to] of [[0, `h_${j}`, `mid_${j}`], [1, `mid_${j}`, `h_${j + 1}`]] as const) {
      const w = `w_${j}_${k}`;
      initializers.push({ name: w, tensor: { dataType: DataType.FLOAT, dims: [C, C], values: weights(C * C, 10 + 2 * j + k) } });
      nodes.push(
        norm(from, `${to}/norm`),
        { name: `${to}/mm`, opType: 'MatMul', inputs: [`${to}/norm`, w], outputs: [`${to}/mm`] },
        { name: `${to}/tanh`, opType: 'Tanh', inputs: [`${to}/mm`], outputs: [`${to}/tanh`] },
        { name: to, opType: 'Add', inputs: k === 0 ? [from, `${to}/tanh`] : [`${to}/tanh`, from], outputs: [to] },
      );
    }
  }
  nodes.push(
    norm(`h_${LAYERS}`, 'final'),
    { name: 'lm_head', opType: 'MatMul', inputs: ['final', 'head'], outputs: ['lm'] },
    { name: 'lm_bias', opType: 'Add', inputs: ['lm', 'head_bias'], outputs: ['lm_biased'] },
    { name: 'lm_cast', opType: 'Cast', inputs: ['lm_biased'], outputs: ['logits'], attributes: [{ name: 'to', int: DataType.FLOAT }] },
  );
  const stream = Array.from({ length: LAYERS }, (_, j) => ({ name: `h_${j}`, elemType: DataType.FLOAT, dims: ['batch_size', 'sequence_length', C] }));
  const bytes = encodeModelFragment({
    irVersion: 7,
    opsets: [{ domain: '', version: opset }],
    graph: {
      nodes,
      initializers,
      inputs: [{ name: 'input_ids', elemType: DataType.INT64, dims: ['batch_size', 'sequence_length'] }],
      outputs: [{ name: 'logits', elemType: DataType.FLOAT, dims: ['batch_size', 'sequence_length', V] }, ...stream],
    },
  });
  return { bytes, wte, head, bias };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each([11, 17])('the extender on a tiny model at opset %i', (opset) => {
  const model = tinyModel(opset);
  const rows = [[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]];
  const B = rows.length;
  const T = rows[0].length;
  const ids = new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [B, T]);

  it('finds the blocks and the head with its bias and Cast', () => {
    const { plan } = addLayerLens(model.bytes, { numLayers: LAYERS });
    expect(plan.hidden).toEqual(['h_0', 'h_1']);
    expect(plan.projection.after.map((n) => n.opType)).toEqual(['Add', 'Cast']);
    expect(plan.projection.tied).toBe(false);
  });

  it.each([true, false])('computes head(h_j) + bias at the last position (gated: %s)', async (gate) => {
    const session = await ort.InferenceSession.create(addLayerLens(model.bytes, { gate }).bytes);
    const out = await session.run(gate ? { input_ids: ids, [LAYER_LOGITS_FLAG]: new ort.Tensor('bool', [true], []) } : { input_ids: ids });
    const layers = out[LAYER_LOGITS_OUTPUT];
    expect(layers.dims).toEqual([LAYERS + 1, B, V]);
    const expected: number[] = [];
    for (let j = 0; j < LAYERS; j++) {
      const h = out[`h_${j}`].data as Float32Array;
      for (let b = 0; b < B; b++) {
        const at = (b * T + T - 1) * C;
        for (let v = 0; v < V; v++) {
          let sum = model.bias[v];
          for (let c = 0; c < C; c++) sum += h[at + c] * model.head[c * V + v];
          expected.push(sum);
        }
      }
    }
    const logits = out.logits.data as Float32Array;
    for (let b = 0; b < B; b++) expected.push(...logits.subarray((b * T + T - 1) * V, (b * T + T) * V));
    expect(maxAbsDiff(layers.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
  });
});
