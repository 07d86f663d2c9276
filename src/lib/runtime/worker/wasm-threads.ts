/**
 * How many threads onnxruntime-web's WASM backend runs. Threads share memory
 * (SharedArrayBuffer), which a browser grants only to a cross-origin isolated page: one whose host
 * sends Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp
 * (README, "Security and limits"). Elsewhere WASM runs on one thread, and the page says why.
 */
import type { WasmThreads } from '../protocol';

/** onnxruntime's own cap: more threads than this rarely help a small model. */
const MAX_THREADS = 4;

export function wasmThreads(scope: { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } } = globalThis): WasmThreads {
  const cores = Math.max(1, Math.floor(scope.navigator?.hardwareConcurrency ?? 1));
  if (scope.crossOriginIsolated !== true) {
    return {
      threads: 1,
      reason: 'One thread: this page is not cross-origin isolated (its host sends no COOP/COEP headers), which threads need.',
    };
  }
  const threads = Math.min(MAX_THREADS, cores);
  return {
    threads,
    reason: threads > 1 ? `${threads} threads (the page is cross-origin isolated; ${cores} cores).` : 'One thread: this device reports one core.',
  };
}
