/**
 * The runtime over a real MessageChannel against the local model server, with every message
 * that crosses the channel recorded, and the given models loaded: for tests that count messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestMessage, ResponseMessage } from '../../../src/lib/runtime/protocol';
import { startModelServer } from './model-server';
import { connectRuntime, type RuntimePair } from './runtime-pair';

export interface RecordedRuntime {
  runtime: RuntimePair;
  /** Every request the client sent and every message the host answered with, in order; clear them freely. */
  requests: RequestMessage[];
  responses: ResponseMessage[];
  close(): Promise<void>;
}

export async function recordedRuntime(models: readonly string[]): Promise<RecordedRuntime> {
  const server = await startModelServer();
  const cacheDir = mkdtempSync(join(tmpdir(), 'recorded-runtime-'));
  const requests: RequestMessage[] = [];
  const responses: ResponseMessage[] = [];
  const runtime = connectRuntime(
    { bundledBaseUrl: `${server.origin}/models/`, hubHost: `${server.origin}/`, useBrowserCache: false, nodeCacheDir: cacheDir },
    { request: (m) => requests.push(m), response: (m) => responses.push(m) },
  );
  for (const model of models) await runtime.client.load(model);
  return {
    runtime,
    requests,
    responses,
    async close() {
      runtime.close();
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
