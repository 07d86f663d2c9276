/**
 * The client's side of a lost GPU device: the worker's one unasked `device-lost` message fails
 * every pending and later call with a 'device-lost' error that says what to do, and a client
 * told to avoid WebGPU loads on WASM (saying why) and refuses WebGPU, all without a real worker.
 */
import { describe, expect, it } from 'vitest';
import { RuntimeClient } from '../../../../src/lib/runtime/client';
import { isRuntimeError, RuntimeError } from '../../../../src/lib/runtime/errors';
import type { LoadResult, MessageEndpoint, RequestMessage, ResponseMessage } from '../../../../src/lib/runtime/protocol';

/** A worker stand-in: records what the client sends and lets the test answer. */
class FakeWorker implements MessageEndpoint {
  readonly sent: RequestMessage[] = [];
  private listener: ((event: MessageEvent) => void) | null = null;
  postMessage(message: unknown): void {
    this.sent.push(message as RequestMessage);
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listener = listener;
  }
  removeEventListener(): void {
    this.listener = null;
  }
  answer(message: ResponseMessage): void {
    this.listener?.({ data: message } as MessageEvent);
  }
}

const LOADED: LoadResult = {
  model: { model: 'amateur', name: 'Bundled amateur', vocabSize: 4096, numLayers: 1, contextLength: 256, eosTokenIds: [0], hasLayerLogits: true },
  device: { device: 'wasm', reason: 'WASM was chosen.' },
  bytes: 0,
  loadMs: 1,
  warmupMs: 1,
  phases: { runtimeMs: 1, weightsMs: 1, sessionMs: 1 },
  shared: false,
};

describe('a lost GPU device', () => {
  it('fails pending and later calls with device-lost, and tells the page once', async () => {
    const worker = new FakeWorker();
    const lost: string[] = [];
    const client = new RuntimeClient(worker, { onDeviceLost: (reason) => lost.push(reason) });
    const pending = client.vocabulary('expert').catch((e: unknown) => e);
    worker.answer({ id: 0, type: 'device-lost', reason: 'destroyed: Device was destroyed.' });
    const error = await pending;
    expect(isRuntimeError(error, 'device-lost')).toBe(true);
    expect((error as RuntimeError).message).toBe(
      'WebGPU stopped working (the graphics device was lost: destroyed: Device was destroyed.), and the models that ran on it went with it.',
    );
    expect((error as RuntimeError).action).toMatch(/Load them again: they will run on WASM/);
    expect(lost).toEqual(['destroyed: Device was destroyed.']);
    expect(client.closed).toBe(true);
    const later = await client.load('amateur').catch((e: unknown) => e);
    expect(isRuntimeError(later, 'device-lost')).toBe(true);
    // Nothing more reaches the dead worker.
    expect(worker.sent.map((m) => m.type)).toEqual(['vocabulary']);
  });
});

describe('a client that must avoid WebGPU', () => {
  it('loads Auto on WASM and says why; refuses WebGPU without asking the worker', async () => {
    const worker = new FakeWorker();
    const client = new RuntimeClient(worker, { avoidWebGpu: 'destroyed', stallTimeoutMs: 1234 });
    const loading = client.load('amateur');
    expect(worker.sent[0]).toMatchObject({ type: 'load', model: 'amateur', device: 'wasm', stallTimeoutMs: 1234 });
    worker.answer({ id: worker.sent[0].id, type: 'result', value: LOADED });
    expect((await loading).device).toEqual({ device: 'wasm', reason: 'WebGPU stopped working on this page (destroyed); running on WASM instead.' });

    const forced = await client.load('amateur', { device: 'webgpu' }).catch((e: unknown) => e);
    expect(isRuntimeError(forced, 'device')).toBe(true);
    expect((forced as RuntimeError).action).toMatch(/Choose WASM/);
    expect(worker.sent).toHaveLength(1);
  });
});
