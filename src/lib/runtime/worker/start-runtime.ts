/**
 * Starts onnxruntime-web (fetches and compiles its wasm, starts its threads) while a model's files
 * are still arriving. transformers.js starts it only when it creates the model's session, with
 * every byte of the model in hand, so a load paid for the download (or the cache read) and then
 * for the start, one after the other. onnxruntime-web has no public call that only starts it, so
 * this creates a session over the smallest model it accepts and lets it go; the model's own
 * session waits on the same start (onnxruntime keeps one start per backend).
 *
 * Every other session creation waits until that first session exists. Without it, the model's
 * creation (one long synchronous call) could slip in between the first session's last
 * asynchronous steps, and the start would seem to end only once the model's session did, which
 * made a load's phases (protocol.ts LoadPhases) say nothing about either. It costs nothing: no
 * session can be created before the start anyway.
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
    const create = InferenceSession.create.bind(InferenceSession);
    const first = create(SMALLEST_MODEL, { executionProviders: ['wasm'] });
    const afterFirst = first.then(
      () => undefined,
      () => undefined,
    );
    InferenceSession.create = (async (...args: Parameters<typeof create>) => {
      await afterFirst;
      return create(...args);
    }) as typeof InferenceSession.create;
    const session = await first;
    // Started once the session exists; its release may wait behind the model's own session
    // creation, which is one long call, and nothing waits on it.
    void session.release().catch(() => undefined);
  })().catch(() => undefined);
  return started;
}
