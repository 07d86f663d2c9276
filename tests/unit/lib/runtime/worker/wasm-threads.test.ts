/** How many threads onnxruntime's WASM backend is given, and the reason the page shows. */
import { describe, expect, it } from 'vitest';
import { wasmThreads } from '../../../../../src/lib/runtime/worker/wasm-threads';

describe('wasmThreads', () => {
  it('runs one thread on a page that is not cross-origin isolated, and says why', () => {
    const choice = wasmThreads({ crossOriginIsolated: false, navigator: { hardwareConcurrency: 8 } });
    expect(choice.threads).toBe(1);
    expect(choice.reason).toMatch(/^One thread: this page is not cross-origin isolated \(its host sends no COOP\/COEP headers\)/);
    expect(wasmThreads({ navigator: { hardwareConcurrency: 8 } }).threads).toBe(1);
  });

  it('uses every core of an isolated page, at most four', () => {
    expect(wasmThreads({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 2 } })).toEqual({
      threads: 2,
      reason: '2 threads (the page is cross-origin isolated; 2 cores).',
    });
    expect(wasmThreads({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 16 } }).threads).toBe(4);
  });

  it('falls back to one thread where the core count is one or unknown', () => {
    expect(wasmThreads({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 1 } })).toEqual({
      threads: 1,
      reason: 'One thread: this device reports one core.',
    });
    expect(wasmThreads({ crossOriginIsolated: true, navigator: {} }).threads).toBe(1);
  });
});
