/**
 * The model worker: the only code that imports the model runtime (@huggingface/transformers and,
 * through it, onnxruntime-web). Pages reach it through client.ts.
 */
/// <reference lib="webworker" />
import type { RequestMessage } from './protocol';
import { HUB_HOST } from './registry';
import { WorkerHost } from './worker/host';
import { ORT_BUILDS, ORT_DIR } from './worker/ort-files';

declare const self: DedicatedWorkerGlobalScope;

const siteRoot = new URL(import.meta.env.BASE_URL, self.location.origin);
const ortRoot = new URL(ORT_DIR, siteRoot);

const host = new WorkerHost((message) => self.postMessage(message), {
  bundledBaseUrl: new URL('models/', siteRoot).href,
  hubHost: HUB_HOST,
  useBrowserCache: true,
  wasmPaths: {
    wasm: { mjs: new URL(ORT_BUILDS.wasm.mjs, ortRoot).href, wasm: new URL(ORT_BUILDS.wasm.wasm, ortRoot).href },
    webgpu: { mjs: new URL(ORT_BUILDS.webgpu.mjs, ortRoot).href, wasm: new URL(ORT_BUILDS.webgpu.wasm, ortRoot).href },
  },
});

self.addEventListener('message', (event: MessageEvent<RequestMessage>) => host.receive(event.data));
