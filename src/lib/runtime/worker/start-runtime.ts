/**
 * Starts onnxruntime-web (fetches and compiles its wasm, starts its threads) while a model's files
 * are still arriving. transformers.js starts it only when it creates the model's session, with
 * every byte of the model in hand, so a load paid for the download (or the cache read) and then
 * for the start, one after the other. onnxruntime-web has no public call that only starts it, so
 * this creates a session over the smallest model it accepts and lets it go; the model's own
 * session waits on the same start (onnxruntime keeps one start per backend).
 *
 * WASM only: the WebGPU build creates sessions with asynchronous steps inside, and transformers.js
 * queues its own creations there for that reason.
 */
import { DataType } from '../model/lens/onnx-read';
import { encodeModelFragment } from '../model/lens/onnx-write';

/** y = Identity(x) over one float: the smallest model onnxruntime loads. */
export const SMALLEST_MODEL: Uint8Array = encodeModelFragment({
  irVersion: 7,
  opsets: [{ domain: '', version: 13 }],
  graph: {
    nodes: [{ name: 'identity', opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', elemType: DataType.FLOAT, dims: [1] }],
    outputs: [{ name: 'y', elemType: DataType.FLOAT, dims: [1] }],
  },
});

let started: Promise<void> | null = null;

/** Whether this worker has already asked onnxruntime-web to start (it may still be starting). */
export function onnxRuntimeRequested(): boolean {
  return started !== null;
}

/**
 * Starts onnxruntime-web once per worker, with the settings already in its `env` (wasm paths,
 * threads). Never rejects: a runtime that cannot start fails the model's own session, which
 * reports why.
 */
export function startOnnxRuntime(): Promise<void> {
  started ??= (async () => {
    // The same module transformers.js imports, so the same runtime and settings.
    const { InferenceSession } = await import('onnxruntime-web/webgpu');
    const session = await InferenceSession.create(SMALLEST_MODEL, { executionProviders: ['wasm'] });
    await session.release();
  })().catch(() => undefined);
  return started;
}
