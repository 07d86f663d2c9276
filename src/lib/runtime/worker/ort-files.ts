/**
 * Where the site serves onnxruntime-web's runtime (integrations/onnxruntime-wasm.mjs copies the
 * files there); a test checks that both name the same files.
 */
export const ORT_DIR = 'ort/';
export const ORT_MJS = 'ort-wasm-simd-threaded.asyncify.mjs';
export const ORT_WASM = 'ort-wasm-simd-threaded.asyncify.wasm';
