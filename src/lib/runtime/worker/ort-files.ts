/**
 * Where the site serves onnxruntime-web's runtime (integrations/onnxruntime-wasm.mjs copies the
 * files there); a test checks that both name the same files.
 *
 * Two builds of the same runtime: the plain one runs the WASM (CPU) backend only; the "asyncify"
 * one also carries WebGPU, at twice the size, and runs WASM work slower (its warm-up forward and
 * steps take several times as long: bench/results.md). A worker starts the build its first model's
 * device needs.
 */
export const ORT_DIR = 'ort/';

export type OrtBuild = 'wasm' | 'webgpu';

export const ORT_BUILDS: Readonly<Record<OrtBuild, { mjs: string; wasm: string }>> = {
  wasm: { mjs: 'ort-wasm-simd-threaded.mjs', wasm: 'ort-wasm-simd-threaded.wasm' },
  webgpu: { mjs: 'ort-wasm-simd-threaded.asyncify.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
};
