/**
 * The promise API over the model worker: the only way the page reaches a model. Each call sends
 * one request and settles when the worker answers it; progress and per-step traces arrive through
 * callbacks on the way. An AbortSignal cancels a call: the promise rejects at once with a
 * 'cancelled' RuntimeError and the worker is told, so that it stops downloading, or undoes a step
 * that was running, instead of leaving half a result behind.
 */
import { cancelledError, deviceLostError, RuntimeError, type RuntimeErrorInfo } from './errors';
import type {
  DevicePreference,
  ForwardTimings,
  LoadProgress,
  LoadResult,
  MessageEndpoint,
  OpenResult,
  ReplayedSteps,
  RequestType,
  Requests,
  ResponseMessage,
  RunToResult,
  SessionSpec,
  StepMessage,
  StepReply,
  WorkerStats,
} from './protocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: RuntimeError) => void;
  onProgress?: (progress: LoadProgress) => void;
  onTrace?: (step: StepMessage) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface OpenOptions extends CallOptions {
  /** An open session to dispose first (a parameter change replaces the session it changes). */
  replaces?: SessionHandle;
  /** Steps to take before replying; the handle's `replayed` holds them. */
  replaySteps?: number;
}

export interface LoadOptions extends CallOptions {
  device?: DevicePreference;
  onProgress?: (progress: LoadProgress) => void;
  /** Milliseconds a download may go without data before the load fails (the client's default if unset). */
  stallTimeoutMs?: number;
}

export interface ClientOptions {
  /** Stops the worker (Worker.terminate in the browser). */
  terminate?: () => void;
  /** Called once when the worker reports that its GPU device was lost; every call then fails. */
  onDeviceLost?: (reason: string) => void;
  /**
   * Why WebGPU must not be used (the device was lost earlier on this page): Auto then loads on
   * WASM and says why, and WebGPU is refused.
   */
  avoidWebGpu?: string;
  /** The stall timeout of every load that does not give its own. */
  stallTimeoutMs?: number;
}

export interface RunToOptions extends CallOptions {
  onStep?: (step: StepMessage) => void;
}

const WHAT: Record<RequestType, string> = {
  load: 'Loading the model',
  vocabulary: 'Reading the vocabulary',
  open: 'Opening the session',
  step: 'The step',
  back: 'Going back',
  reset: 'The reset',
  runTo: 'The run',
  dispose: 'Releasing',
  cancel: 'Cancelling',
  measure: 'The measurement',
  stats: 'Reading the worker statistics',
};

export class RuntimeClient {
  private nextId = 1;
  private nextSession = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: RuntimeErrorInfo | null = null;
  private readonly onMessage = (event: MessageEvent): void => this.receive(event.data as ResponseMessage);

  constructor(
    private readonly endpoint: MessageEndpoint,
    private readonly options: ClientOptions = {},
  ) {
    endpoint.addEventListener('message', this.onMessage);
  }

  /** True once the worker is closed, crashed or lost its device: every call then fails. */
  get closed(): boolean {
    return this.closedWith !== null;
  }

  async load(model: string, options: LoadOptions = {}): Promise<LoadResult> {
    const preference = options.device ?? 'auto';
    const avoid = this.options.avoidWebGpu;
    if (avoid !== undefined && preference === 'webgpu') {
      throw new RuntimeError({
        kind: 'device',
        message: `WebGPU stopped working earlier on this page (${avoid}).`,
        action: 'Choose WASM (or Auto), or reload the page to try WebGPU again.',
      });
    }
    const stallTimeoutMs = options.stallTimeoutMs ?? this.options.stallTimeoutMs;
    const params = { model, device: avoid !== undefined ? ('wasm' as const) : preference, ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }) };
    const result = await this.request('load', params, options, { onProgress: options.onProgress });
    if (avoid !== undefined && result.device.device === 'wasm') {
      return { ...result, device: { device: 'wasm', reason: `WebGPU stopped working on this page (${avoid}); running on WASM instead.` } };
    }
    return result;
  }

  /** What the worker holds now: loaded models with their references, and open sessions. */
  stats(options: CallOptions = {}): Promise<WorkerStats> {
    return this.request('stats', {}, options);
  }

  /** The text of every token id of a model's vocabulary, index = id. */
  vocabulary(model: string, options: CallOptions = {}): Promise<string[]> {
    return this.request('vocabulary', { model }, options);
  }

  /**
   * Opens a session. With `replaces` (a session of this client) and `replaySteps`, the worker
   * disposes the old session, opens the new one and steps it, all in one request.
   */
  async open(spec: SessionSpec, options: OpenOptions = {}): Promise<SessionHandle> {
    const { replaces, replaySteps, ...call } = options;
    if (replaces && !replaces.isOf(this)) throw new Error('open: `replaces` must be a session of the same runtime client.');
    const session = `s${this.nextSession++}`;
    const { replayed, ...opened } = await this.request('open', { session, spec, replaces: replaces?.id, replaySteps }, call);
    return new SessionHandle(this, session, spec, opened, replayed);
  }

  /**
   * Times a model's forward pass with and without the KV cache, and onnxruntime's bare run (for the
   * benchmark); with bareOnly, the bare run alone.
   */
  measureForward(model: string, contextTokens: number, repeats: number, options: CallOptions & { bareOnly?: boolean } = {}): Promise<ForwardTimings> {
    const { bareOnly, ...call } = options;
    return this.request('measure', { model, contextTokens, repeats, ...(bareOnly ? { bareOnly } : {}) }, call);
  }

  /** Releases one reference to a model (it is freed when the last one goes, with its sessions). */
  releaseModel(model: string): Promise<{ released: boolean }> {
    return this.request('dispose', { model }, {});
  }

  /** Stops the worker: every pending call rejects, and every later one. */
  close(): void {
    this.fail({ kind: 'cancelled', message: 'The model worker was closed.', action: 'Reload the page to start it again.' });
    this.endpoint.removeEventListener('message', this.onMessage);
    this.options.terminate?.();
  }

  /** Rejects every pending call (e.g. when the worker crashed) and refuses new ones. */
  fail(info: RuntimeErrorInfo): void {
    this.closedWith = info;
    for (const [, pending] of this.pending) pending.reject(new RuntimeError(info));
    this.pending.clear();
  }

  /** @internal Used by SessionHandle; pages call the typed methods. */
  request<T extends RequestType>(
    type: T,
    params: Requests[T]['params'],
    options: CallOptions,
    callbacks: Omit<Pending, 'resolve' | 'reject'> = {},
  ): Promise<Requests[T]['result']> {
    if (this.closedWith) return Promise.reject(new RuntimeError(this.closedWith));
    if (options.signal?.aborted) return Promise.reject(new RuntimeError(cancelledError(WHAT[type])));
    const id = this.nextId++;
    return new Promise<Requests[T]['result']>((resolve, reject) => {
      const settle = (): void => options.signal?.removeEventListener('abort', onAbort);
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return;
        settle();
        reject(new RuntimeError(cancelledError(WHAT[type])));
        // The worker's answer to the cancelled request arrives later and is ignored.
        this.endpoint.postMessage({ id: this.nextId++, type: 'cancel', target: id });
      };
      this.pending.set(id, {
        ...callbacks,
        resolve: (value) => {
          settle();
          resolve(value as Requests[T]['result']);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.endpoint.postMessage({ id, type, ...params });
    });
  }

  private receive(message: ResponseMessage): void {
    if (message.type === 'device-lost') {
      this.fail(deviceLostError(message.reason));
      this.endpoint.removeEventListener('message', this.onMessage);
      this.options.onDeviceLost?.(message.reason);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case 'progress':
        pending.onProgress?.(message.progress);
        return;
      case 'trace':
        pending.onTrace?.(message.step);
        return;
      case 'result':
        this.pending.delete(message.id);
        pending.resolve(message.value);
        return;
      case 'error':
        this.pending.delete(message.id);
        pending.reject(new RuntimeError(message.error));
        return;
    }
  }
}

/** One open session in the worker. */
export class SessionHandle {
  constructor(
    private readonly client: RuntimeClient,
    readonly id: string,
    readonly spec: SessionSpec,
    readonly opened: OpenResult,
    /** The steps `open` replayed (none unless asked). */
    readonly replayed: ReplayedSteps = { steps: [], stop: null },
  ) {}

  /** Whether this session lives in `client`'s worker (a replaced worker's sessions are gone). */
  isOf(client: RuntimeClient): boolean {
    return this.client === client;
  }

  step(options: CallOptions = {}): Promise<StepReply> {
    return this.client.request('step', { session: this.id }, options);
  }

  back(): Promise<{ undone: boolean; stepCount: number }> {
    return this.client.request('back', { session: this.id }, {});
  }

  reset(seed?: number): Promise<{ stepCount: number }> {
    return this.client.request('reset', { session: this.id, seed }, {});
  }

  /** Steps until `tokens` tokens follow the prompt, a stop, or cancellation (steps taken stay). */
  runTo(tokens: number, options: RunToOptions = {}): Promise<RunToResult> {
    return this.client.request('runTo', { session: this.id, tokens }, options, { onTrace: options.onStep });
  }

  dispose(): Promise<{ released: boolean }> {
    return this.client.request('dispose', { session: this.id }, {});
  }
}
