/**
 * The page's model worker and its client. Widgets share one (browserRuntime), so that a model
 * loaded by one is reused by the others; createBrowserRuntime starts a separate worker, e.g. to
 * run the same model on another device side by side.
 *
 * A worker that crashes or loses its GPU device is dropped: the next browserRuntime() starts a
 * fresh one, and after a lost device every new worker runs its models on WASM (and says why).
 */
import { RuntimeClient } from './client';

/**
 * A developer setting in localStorage: the stall timeout of model downloads in milliseconds
 * (tests shorten it; set it by hand to try a slow network without waiting 30 s).
 */
export const STALL_TIMEOUT_SETTING = 'decoding-explainer:stall-timeout-ms';

let shared: RuntimeClient | null = null;
/** Why WebGPU went away on this page, once it has. */
let webgpuLost: string | null = null;

function stallTimeoutSetting(): number | undefined {
  try {
    const value = Number(globalThis.localStorage?.getItem(STALL_TIMEOUT_SETTING) ?? Number.NaN);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined; // storage blocked (privacy settings): keep the default
  }
}

export function createBrowserRuntime(): RuntimeClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'models' });
  const client = new RuntimeClient(worker, {
    terminate: () => worker.terminate(),
    avoidWebGpu: webgpuLost ?? undefined,
    stallTimeoutMs: stallTimeoutSetting(),
    onDeviceLost: (reason) => {
      webgpuLost ??= reason;
      if (shared === client) shared = null;
      worker.terminate();
    },
  });
  worker.addEventListener('error', (event) => {
    client.fail({
      kind: 'internal',
      message: `The model worker stopped: ${event.message || 'it failed to start or crashed'}.`,
      action: 'Reload the page.',
    });
    if (shared === client) shared = null;
  });
  return client;
}

export function browserRuntime(): RuntimeClient {
  shared ??= createBrowserRuntime();
  return shared;
}
