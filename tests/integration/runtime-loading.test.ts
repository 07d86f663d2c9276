/**
 * The runtime's download path against a real local HTTP server: the site layout for the bundled
 * models, the Hub's URL layout (env.remoteHost) for opt-in models, progress events, and a typed
 * error for every way a load can fail.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRuntimeError, RuntimeError } from '../../src/lib/runtime/errors';
import type { LoadProgress } from '../../src/lib/runtime/protocol';
import { BUNDLED_MODEL_FILES, BUNDLED_MODELS_VERSION, findModel, type ModelEntry } from '../../src/lib/runtime/registry';
import { MODELS_DIR, startModelServer, type ModelServer } from './support/model-server';
import { connectRuntime, type RuntimePair } from './support/runtime-pair';

function hubEntry(id: string, repo: string): ModelEntry {
  const amateur = findModel('amateur')!;
  return { ...amateur, id, label: `Hub copy ${id}`, source: { kind: 'hub', repo, revision: 'main' } };
}

const HUB_MODELS = [
  hubEntry('hub-amateur', 'local/amateur'),
  hubEntry('hub-unknown', 'local/no-such-model'),
  hubEntry('hub-corrupt', 'local/expert-early'),
  hubEntry('hub-500', 'local/expert'),
  hubEntry('hub-drop', 'other/expert'),
  hubEntry('hub-slow', 'slow/expert'),
];

let server: ModelServer;
let runtime: RuntimePair;
const cacheDirs: string[] = [];

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
  // Removed only now: a cancelled load may still be writing a small file it had already fetched.
  for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  runtime?.close();
  server.faults.clear();
});

function connect(hubHost = `${server.origin}/`, stallTimeoutMs?: number): RuntimePair {
  // A fresh download folder per test: nothing one test fetched can serve another.
  const cacheDir = mkdtempSync(join(tmpdir(), 'runtime-loading-'));
  cacheDirs.push(cacheDir);
  runtime = connectRuntime({
    nodeCacheDir: cacheDir,
    bundledBaseUrl: `${server.origin}/models/`,
    hubHost,
    useBrowserCache: false,
    extraModels: HUB_MODELS,
    progressIntervalMs: 0,
    stallTimeoutMs,
  });
  return runtime;
}

async function loadError(pair: RuntimePair, model: string, signal?: AbortSignal): Promise<RuntimeError> {
  const error = await pair.client.load(model, { signal }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuntimeError);
  return error as RuntimeError;
}

function bundledBytes(folder: string): number {
  return BUNDLED_MODEL_FILES.reduce((sum, file) => sum + statSync(join(MODELS_DIR, folder, file)).size, 0);
}

describe('registry sizes and version', () => {
  it('names the bundled models version after their files (update BUNDLED_MODELS_VERSION when they change)', () => {
    const hash = createHash('sha256');
    for (const folder of ['amateur', 'expert', 'expert-early']) {
      for (const file of BUNDLED_MODEL_FILES) {
        hash.update(`${folder}/${file}\n`);
        hash.update(readFileSync(join(MODELS_DIR, folder, file)));
      }
    }
    expect(BUNDLED_MODELS_VERSION).toBe(hash.digest('hex').slice(0, 16));
  });

  it('states the measured download size of every bundled model', () => {
    for (const folder of ['amateur', 'expert', 'expert-early']) {
      expect(findModel(folder)!.downloadBytes).toBe(bundledBytes(folder));
    }
  });

  it("states every bundled model's layer count and tied embeddings as its config.json does", () => {
    for (const folder of ['amateur', 'expert', 'expert-early']) {
      const config = JSON.parse(readFileSync(join(MODELS_DIR, folder, 'config.json'), 'utf8')) as { n_layer: number; tie_word_embeddings?: boolean };
      expect(findModel(folder)!.layers).toEqual({ count: config.n_layer, tiedEmbeddings: config.tie_word_embeddings ?? true });
    }
  });
});

describe('loading over HTTP', () => {
  it('loads a bundled model from the site layout, reporting per-file and total progress in bytes', async () => {
    const { client } = connect();
    const events: LoadProgress[] = [];
    const result = await client.load('amateur', { onProgress: (p) => events.push(p) });
    expect(result.device.device).toBe('cpu');
    expect(result.device.reason).toMatch(/Node/);
    expect(result.model).toMatchObject({ model: 'amateur', vocabSize: 4096, numLayers: 2, contextLength: 256, hasLayerLogits: true });
    expect(result.bytes).toBe(bundledBytes('amateur'));
    expect(result.warmupMs).toBeGreaterThan(0);
    const last = events.at(-1)!;
    expect(last.files.every((f) => f.done)).toBe(true);
    expect(last.loaded).toBe(bundledBytes('amateur'));
    expect(last.total).toBe(bundledBytes('amateur'));
    const onnx = last.files.find((f) => f.file === 'onnx/model.onnx')!;
    expect(onnx.total).toBe(statSync(join(MODELS_DIR, 'amateur', 'onnx', 'model.onnx')).size);
    // Progress grows: the loaded bytes never go down between events.
    for (let i = 1; i < events.length; i++) expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
    expect(server.requests.some((p) => p === '/models/amateur/onnx/model.onnx')).toBe(true);
  });

  it('loads through the Hub code path (env.remoteHost) from a server in the Hub URL layout', async () => {
    const { client } = connect();
    const events: LoadProgress[] = [];
    const result = await client.load('hub-amateur', { onProgress: (p) => events.push(p) });
    expect(result.model.vocabSize).toBe(4096);
    expect(result.bytes).toBe(bundledBytes('amateur'));
    expect(events.length).toBeGreaterThan(1);
    expect(server.requests).toContain('/local/amateur/resolve/main/onnx/model.onnx');
    expect(server.requests).toContain('/local/amateur/resolve/main/tokenizer.json');
    // The model steps like the bundled one.
    const session = await client.open({ method: 'sampling', model: 'hub-amateur', prompt: 'The sea', sampling: { temperature: 0 } });
    const step = await session.step();
    expect(step.kind).toBe('step');
  });

  it('shares a loaded model: a second load adds a reference and downloads nothing', async () => {
    const { client } = connect();
    await client.load('amateur');
    const before = server.requests.length;
    const again = await client.load('amateur');
    expect(again.shared).toBe(true);
    expect(again.bytes).toBe(0);
    expect(server.requests.length).toBe(before);
    expect((await client.releaseModel('amateur')).released).toBe(false);
    expect((await client.releaseModel('amateur')).released).toBe(true);
  });
});

describe('load failures end in typed errors that say what to do', () => {
  it('an unknown repository (HTTP 404): not-found', async () => {
    const error = await loadError(connect(), 'hub-unknown');
    expect(error.kind).toBe('not-found');
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/is not on the server \(HTTP 404/);
    expect(error.action).toMatch(/Hub/);
  });

  it('a missing file (the ONNX model 404s while the rest is there): not-found naming the file', async () => {
    const pair = connect();
    server.faults.set('/models/expert/onnx/model.onnx', { kind: 'status', status: 404 });
    const error = await loadError(pair, 'expert');
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(/^onnx\/model\.onnx of Bundled expert/);
    expect(error.url).toBe(`${server.origin}/models/expert/onnx/model.onnx`);
    expect(error.action).toMatch(/bundled models/);
  });

  it('a server error (HTTP 500): http, with the status', async () => {
    const pair = connect();
    server.faults.set('local/expert/resolve/main/config.json', { kind: 'status', status: 500 });
    const error = await loadError(pair, 'hub-500');
    expect(error.kind).toBe('http');
    expect(error.status).toBe(500);
    expect(error.action).toMatch(/retry/);
  });

  it('a corrupt .onnx: corrupt', async () => {
    const pair = connect();
    server.faults.set('local/expert-early/resolve/main/onnx/model.onnx', { kind: 'corrupt' });
    const error = await loadError(pair, 'hub-corrupt');
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/arrived damaged/);
  });

  it('a connection dropped mid-download: unreachable, and a retry then works', async () => {
    const pair = connect();
    server.faults.set('other/expert/resolve/main/onnx/model.onnx', { kind: 'drop' });
    const error = await loadError(pair, 'hub-drop');
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/connection dropped/);
    server.faults.clear();
    const retried = await pair.client.load('hub-drop');
    expect(retried.model.numLayers).toBe(8);
  });

  it('a truncated .onnx (a clean response of half the file): corrupt', async () => {
    // The retry is checked in the browser (tests/e2e/load-failures.spec.ts), where the damaged
    // copy is removed from the Cache API; Node's file cache (tests only) keeps it.
    server.faults.set('/models/amateur/onnx/model.onnx', { kind: 'truncate' });
    const error = await loadError(connect(), 'amateur');
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/^A file of Bundled amateur .* arrived damaged/);
  });

  it('a download whose body stops arriving: timeout after the stall timeout, naming the file, and a retry then works', async () => {
    const pair = connect(undefined, 300);
    server.faults.set('/models/expert/onnx/model.onnx', { kind: 'stall' });
    const error = await loadError(pair, 'expert');
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(
      'The download of onnx/model.onnx of Bundled expert (8 layers × 224) stopped arriving: no data came for 0.3 s, so the connection looks stalled.',
    );
    expect(error.url).toBe(`${server.origin}/models/expert/onnx/model.onnx`);
    expect(error.action).toMatch(/retry/);
    server.faults.clear();
    expect((await pair.client.load('expert')).model.numLayers).toBe(8);
  });

  it('a server that never answers: timeout, and the per-load stall timeout overrides the configured one', async () => {
    const pair = connect(undefined, 60_000);
    server.faults.set('/models/amateur/tokenizer.json', { kind: 'hang' });
    const error = await pair.client.load('amateur', { stallTimeoutMs: 300 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isRuntimeError(error, 'timeout')).toBe(true);
    expect((error as RuntimeError).message).toMatch(/^The download of tokenizer\.json of Bundled amateur .* never started arriving: no data came for 0\.3 s/);
  });

  it('a slow download that keeps sending is not a stall', async () => {
    // Every chunk of the file arrives within the timeout, however long the whole takes.
    const pair = connect(undefined, 2_000);
    const result = await pair.client.load('expert-early');
    expect(result.model.numLayers).toBe(8);
  });

  it('an unreachable host: unreachable', async () => {
    // Port 9 (discard) on 127.0.0.1 has no listener here: the connection is refused.
    const error = await loadError(connect('http://127.0.0.1:9/'), 'hub-amateur');
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/Could not reach 127\.0\.0\.1:9/);
    expect(error.action).toMatch(/bundled models work offline/);
  });

  it('a cancelled load: cancelled, the download stops, and the model is not left loaded', async () => {
    const pair = connect();
    server.faults.set('slow/expert/resolve/main/onnx/model.onnx', { kind: 'stall' });
    const controller = new AbortController();
    const seen: LoadProgress[] = [];
    const pending = pair.client.load('hub-slow', {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.files.some((f) => f.file === 'onnx/model.onnx' && f.loaded > 0)) controller.abort();
      },
    });
    const error = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isRuntimeError(error, 'cancelled')).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    // The worker also ends its side: opening a session on the model finds nothing loaded.
    const open = await pair.client.open({ method: 'sampling', model: 'hub-slow', prompt: 'x' }).catch((e: unknown) => e);
    expect(isRuntimeError(open, 'unknown-handle')).toBe(true);
  });

  it('an unknown model id and a device that is not there: invalid-request and device', async () => {
    const pair = connect();
    const unknown = await loadError(pair, 'no-such-entry');
    expect(unknown.kind).toBe('invalid-request');
    const device = await pair.client.load('amateur', { device: 'webgpu' }).catch((e: unknown) => e);
    expect(isRuntimeError(device, 'device')).toBe(true);
    expect((device as RuntimeError).action).toMatch(/WASM/);
  });
});
