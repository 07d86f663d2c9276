/**
 * The model the worker starts onnxruntime-web with (worker/start-runtime.ts) is one both runtimes
 * accept: onnxruntime-web's WASM backend (the one the browser starts) and onnxruntime-node.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { SMALLEST_MODEL } from '../../../../../src/lib/runtime/worker/start-runtime';

describe('SMALLEST_MODEL', () => {
  it('is a model of one Identity node from x to y', async () => {
    const session = await ortNode.InferenceSession.create(SMALLEST_MODEL);
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const { y } = await session.run({ x: new ortNode.Tensor('float32', Float32Array.from([0.25]), [1]) });
    expect(Array.from(y.data as Float32Array)).toEqual([0.25]);
    await session.release();
  });

  it('loads in onnxruntime-web on WASM', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(SMALLEST_MODEL, { executionProviders: ['wasm'] });
    const { y } = await session.run({ x: new ortWeb.Tensor('float32', Float32Array.from([-3]), [1]) });
    expect(Array.from(y.data as Float32Array)).toEqual([-3]);
    await session.release();
  });
});
