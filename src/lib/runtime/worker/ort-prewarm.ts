/**
 * Starts onnxruntime (its wasm module and thread pool) while a model's files are still being
 * read. transformers.js creates a model's session only once every file is in, and onnxruntime
 * starts with the first session, so the two would otherwise run one after the other. Creating a
 * session for the smallest graph there is starts it early; the model's session then finds it
 * running.
 */

/**
 * y = Identity(x) on one float, opset 13: 70 bytes, written with the onnx Python package
 * (helper.make_graph([make_node('Identity', ['x'], ['y'])], ...), ir_version 8).
 */
const IDENTITY_ONNX_BASE64 = 'CAgSADo6ChAKAXgSAXkiCElkZW50aXR5EgR3YXJtWg8KAXgSCgoICAESBAoCCAFiDwoBeRIKCggIARIECgIIAUIECgAQDQ==';

let warming: Promise<void> | null = null;

/** Starts onnxruntime once per worker; never rejects (the model's own session reports a real failure). */
export function prewarmOnnxRuntime(): Promise<void> {
  warming ??= import('onnxruntime-web/webgpu')
    .then(async (ort) => {
      const model = Uint8Array.from(atob(IDENTITY_ONNX_BASE64), (c) => c.charCodeAt(0));
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
      await session.release();
    })
    .catch(() => undefined);
  return warming;
}
