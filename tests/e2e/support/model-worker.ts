/**
 * Reaching into the page's model worker from a test. Playwright's init scripts run in pages, not
 * workers, so code that must run in the worker before anything else (a stand-in for a browser
 * feature, or a probe) is put in front of the worker's script as the browser fetches it. The
 * memory of a worker is read over CDP (a session attached to the worker's target), since the
 * page's own metrics cover only its main thread.
 */
import type { CDPSession, Page, Worker } from '@playwright/test';

/**
 * Whether a worker is the site's model worker. On a cross-origin isolated page onnxruntime runs
 * WASM on threads, each a worker of its own (started from <base>ort/*.mjs): those are not ours
 * to count, and one waiting for work never answers CDP.
 */
export function isModelWorkerUrl(url: string): boolean {
  return /\/_astro\/worker-[^/]*\.js(\?|$)/.test(url);
}

/** The page's model workers (onnxruntime's thread workers left out). */
export function modelWorkers(page: Page): Worker[] {
  return page.workers().filter((worker) => isModelWorkerUrl(worker.url()));
}

/** Serves the model worker's script with `source` run before it. Call before the page loads. */
export async function runInModelWorker(page: Page, source: string): Promise<void> {
  await page.route('**/_astro/worker-*.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `${source}\n${await response.text()}` });
  });
}

/** Records every WebAssembly.Memory the worker makes or instantiates (onnxruntime's heap among them). */
export const RECORD_WASM_MEMORY = `
self.__wasmMemories = [];
{
  const seen = self.__wasmMemories;
  const Memory = WebAssembly.Memory;
  WebAssembly.Memory = new Proxy(Memory, {
    construct(target, args) {
      const memory = Reflect.construct(target, args);
      seen.push(memory);
      return memory;
    },
  });
  const record = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    for (const value of Object.values(instance?.exports ?? {})) if (value instanceof Memory && !seen.includes(value)) seen.push(value);
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = (...args) => original.apply(WebAssembly, args).then(record);
  }
}
`;

export interface HeapUsage {
  /** JS heap in use after a full garbage collection, bytes. */
  used: number;
  /** ArrayBuffer backing stores (typed arrays such as the KV caches), bytes. */
  buffers: number;
}

/** CDP on one page: its heap, and its workers (through a session attached to each, unflattened). */
export class MemoryProbe {
  private nextId = 0;
  private readonly replies = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();

  private constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id !== undefined) this.replies.get(message.id)?.(message);
    });
  }

  static async open(page: Page): Promise<MemoryProbe> {
    return new MemoryProbe(await page.context().newCDPSession(page));
  }

  /** The page's model workers, as CDP target ids. */
  async workers(): Promise<string[]> {
    const { targetInfos } = await this.cdp.send('Target.getTargets');
    return targetInfos.filter((t) => t.type === 'worker' && isModelWorkerUrl(t.url)).map((t) => t.targetId);
  }

  async pageHeap(): Promise<HeapUsage> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    const usage = await this.cdp.send('Runtime.getHeapUsage');
    return { used: usage.usedSize, buffers: usage.backingStorageSize ?? 0 };
  }

  async workerHeap(targetId: string): Promise<HeapUsage> {
    const { sessionId } = await this.cdp.send('Target.attachToTarget', { targetId, flatten: false });
    try {
      await this.inWorker(sessionId, 'HeapProfiler.collectGarbage');
      const usage = (await this.inWorker(sessionId, 'Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      return { used: usage.usedSize, buffers: usage.backingStorageSize ?? 0 };
    } finally {
      await this.cdp.send('Target.detachFromTarget', { sessionId });
    }
  }

  private inWorker(sessionId: string, method: string): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.replies.set(id, (message) => {
        this.replies.delete(id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      });
      this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(reject);
    });
  }
}
