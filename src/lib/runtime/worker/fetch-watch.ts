/**
 * A fetch for transformers.js (env.fetch) that can be cancelled and that remembers what went
 * wrong: transformers.js turns an HTTP failure into a generic Error and probes optional files that
 * may 404 harmlessly, so the loader needs the record of every failed response to say which file
 * failed and why.
 */

export interface FetchFailure {
  url: string;
  /** The HTTP status, or null when no response came (network error or abort). */
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

export class FetchWatch {
  readonly failures: FetchFailure[] = [];
  /** URLs answered by the network (not the cache) with a 2xx status. */
  readonly fetched = new Set<string>();

  constructor(
    private readonly signal: AbortSignal,
    private readonly baseFetch: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let response: Response;
    try {
      response = await this.baseFetch(input, { ...init, signal: this.signal });
    } catch (error) {
      this.failures.push({ url, status: null, message: error instanceof Error ? error.message : String(error) });
      throw new NetworkFailure(url, this.signal.aborted, error);
    }
    if (response.ok) this.fetched.add(url);
    else this.failures.push({ url, status: response.status, message: response.statusText });
    return response;
  };

  failureFor(url: string): FetchFailure | undefined {
    return [...this.failures].reverse().find((failure) => failure.url === url);
  }
}
