/**
 * The two onnxruntime builds the lens tests run on: onnxruntime-node (native, what Node tools
 * use) and onnxruntime-web's WASM build, the runtime the site itself ships (transformers.js runs
 * it in the browser; here it runs in Node, one thread). Each has its own Tensor class, so a test
 * builds its feeds with the runtime it runs on.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

export type Runtime = typeof ortNode;

// Workers would compete with the other tests for this machine's cores, for no coverage gain.
ortWeb.env.wasm.numThreads = 1;

export const RUNTIMES: [string, Runtime][] = [
  ['onnxruntime-node', ortNode],
  ['onnxruntime-web (WASM)', ortWeb as unknown as Runtime],
];
