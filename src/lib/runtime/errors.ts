/**
 * The errors the runtime reports, as data that crosses the worker boundary (structured clone keeps
 * no Error subclasses): a kind a program can branch on, a sentence saying what happened, and one
 * saying what the reader can do about it.
 */

export type RuntimeErrorKind =
  /** A file the model needs is not on the server (HTTP 404), or the model id is unknown there. */
  | 'not-found'
  /** The server answered with another error status (403, 500...). */
  | 'http'
  /** The host could not be reached at all (offline, DNS, refused connection, CORS). */
  | 'unreachable'
  /** A download stopped sending data for longer than the stall timeout. */
  | 'timeout'
  /** A file arrived but is not what it should be (truncated or corrupt ONNX, invalid JSON). */
  | 'corrupt'
  /** The request was cancelled by the caller. */
  | 'cancelled'
  /** The model loaded but cannot be used here (missing outputs, unsupported architecture). */
  | 'unsupported'
  /** The device (WebGPU) was asked for and could not be used. */
  | 'device'
  /**
   * The GPU device was lost while models ran on it (driver reset, GPU removed, browser reclaimed
   * it): every model and session of that worker is gone; loading again runs them on WASM.
   */
  | 'device-lost'
  /** Bad parameters or prompt: the caller can fix the request. */
  | 'invalid-request'
  /** A session or model id that does not exist (disposed, never opened). */
  | 'unknown-handle'
  /** Anything else: a bug or an unexpected runtime failure. */
  | 'internal';

export interface RuntimeErrorInfo {
  kind: RuntimeErrorKind;
  /** What happened, in a sentence. */
  message: string;
  /** What the reader can do, in a sentence. */
  action: string;
  /** The URL involved, when one is (the file that failed to download). */
  url?: string;
  /** The HTTP status, for 'not-found' and 'http'. */
  status?: number;
}

/** A real Error carrying a RuntimeErrorInfo: thrown by the worker's own code (its reply carries the info) and by the client. */
export class RuntimeError extends Error {
  readonly kind: RuntimeErrorKind;
  readonly action: string;
  readonly url: string | undefined;
  readonly status: number | undefined;

  constructor(info: RuntimeErrorInfo) {
    super(info.message);
    this.name = 'RuntimeError';
    this.kind = info.kind;
    this.action = info.action;
    this.url = info.url;
    this.status = info.status;
  }

  get info(): RuntimeErrorInfo {
    return { kind: this.kind, message: this.message, action: this.action, url: this.url, status: this.status };
  }
}

export function isRuntimeError(error: unknown, kind?: RuntimeErrorKind): error is RuntimeError {
  return error instanceof RuntimeError && (kind === undefined || error.kind === kind);
}

export function cancelledError(what: string): RuntimeErrorInfo {
  return { kind: 'cancelled', message: `${what} was cancelled.`, action: 'Start it again when you want it.' };
}

export function deviceLostError(reason: string): RuntimeErrorInfo {
  return {
    kind: 'device-lost',
    message: `WebGPU stopped working (the graphics device was lost: ${reason}), and the models that ran on it went with it.`,
    action: 'Load them again: they will run on WASM (reloading the page tries WebGPU again).',
  };
}
