/**
 * The page's model worker and its client. Widgets share one (browserRuntime), so that a model
 * loaded by one is reused by the others; createBrowserRuntime starts a separate worker, e.g. to
 * run the same model on another device side by side.
 */
import { RuntimeClient } from './client';

let shared: RuntimeClient | null = null;

export function createBrowserRuntime(): RuntimeClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'models' });
  const client = new RuntimeClient(worker, () => worker.terminate());
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
