/**
 * A fetch for transformers.js (env.fetch) that can be cancelled, that gives up on a download that
 * stops sending data, and that remembers what went wrong: transformers.js turns an HTTP failure
 * into a generic Error and probes optional files that may 404 harmlessly, so the loader needs the
 * record of every failed response to say which file failed and why.
 */

/** How long a download may go without receiving any data before it counts as stalled. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

export interface FetchFailure {
  url: string;
  /** The HTTP status, or null when no response came (network error, abort or stall). */
  status: number | null;
  message: string;
}

/** Thrown (through transformers.js, which passes it on unchanged) when no response arrives. */
export class NetworkFailure extends Error {
  constructor(
    readonly url: string,
    readonly aborted: boolean,
    cause: unknown,
  ) {
    super(`${aborted ? 'cancelled' : 'could not fetch'} ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'NetworkFailure';
  }
}

/** Thrown when a download went `timeoutMs` without data: no answer at all, or a body that stopped. */
export class DownloadStalled extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    /** Body bytes that had arrived before it stalled (0 when not even the headers came). */
    readonly received: number,
  ) {
    super(`no data for ${timeoutMs} ms from ${url} after ${received} bytes`);
    this.name = 'DownloadStalled';
  }
}

/** A timer that runs only while the download waits for data. */
class StallTimer {
  private handle: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ms: number,
    private readonly onStall: () => void,
  ) {}

  arm(): void {
    this.clear();
    this.handle = setTimeout(this.onStall, this.ms);
  }

  clear(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }
}

export class FetchWatch {
  readonly failures: FetchFailure[] = [];
  /** URLs answered by the network (not the cache) with a 2xx status. */
  readonly fetched = new Set<string>();
  /** The first download that stalled, if one did. */
  stalled: DownloadStalled | null = null;

  constructor(
    private readonly signal: AbortSignal,
    private readonly baseFetch: typeof fetch = globalThis.fetch.bind(globalThis),
    private readonly stallTimeoutMs: number = DEFAULT_STALL_TIMEOUT_MS,
  ) {}

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // One controller per download: the load's cancellation and this download's stall both end it.
    const controller = new AbortController();
    const forwardCancel = (): void => controller.abort(this.signal.reason);
    if (this.signal.aborted) forwardCancel();
    else this.signal.addEventListener('abort', forwardCancel, { once: true });
    let received = 0;
    let stall: DownloadStalled | null = null;
    const timer = new StallTimer(this.stallTimeoutMs, () => {
      stall = new DownloadStalled(url, this.stallTimeoutMs, received);
      this.stalled ??= stall;
      this.failures.push({ url, status: null, message: stall.message });
      controller.abort(stall);
    });
    const finish = (): void => {
      timer.clear();
      this.signal.removeEventListener('abort', forwardCancel);
    };

    let response: Response;
    timer.arm();
    try {
      response = await this.baseFetch(input, { ...init, signal: controller.signal });
    } catch (error) {
      finish();
      if (stall) throw stall;
      this.failures.push({ url, status: null, message: error instanceof Error ? error.message : String(error) });
      throw new NetworkFailure(url, this.signal.aborted, error);
    }
    timer.clear();
    if (response.ok) this.fetched.add(url);
    else this.failures.push({ url, status: response.status, message: response.statusText });
    if (!response.body) {
      finish();
      return response;
    }

    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      pull: async (out) => {
        timer.arm();
        try {
          const { done, value } = await reader.read();
          timer.clear();
          if (done) {
            finish();
            out.close();
            return;
          }
          received += value.byteLength;
          out.enqueue(value);
        } catch (error) {
          finish();
          out.error(stall ?? error);
        }
      },
      cancel: (reason) => {
        finish();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  failureFor(url: string): FetchFailure | undefined {
    return [...this.failures].reverse().find((failure) => failure.url === url);
  }
}
