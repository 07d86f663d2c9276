/**
 * The page's one model worker and its client, created on first use and shared by every widget
 * on the page (models loaded by one widget are reused by the others).
 */
import { RuntimeClient } from './client';

let shared: RuntimeClient | null = null;

export function browserRuntime(): RuntimeClient {
  if (shared) return shared;
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'models' });
  const client = new RuntimeClient(worker, () => worker.terminate());
  worker.addEventListener('error', (event) => {
    client.fail({
      kind: 'internal',
      message: `The model worker stopped: ${event.message || 'it failed to start or crashed'}.`,
      action: 'Reload the page.',
    });
    shared = null;
  });
  shared = client;
  return client;
}
