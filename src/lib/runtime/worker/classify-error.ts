/**
 * Turns whatever a failed load threw into a RuntimeErrorInfo: which of the typed kinds it is, what
 * happened and what the reader can do.
 */
import type { RuntimeErrorInfo } from '../errors';
import { cancelledError } from '../errors';
import type { ModelEntry } from '../registry';
import { DownloadStalled, NetworkFailure, type FetchWatch } from './fetch-watch';

const CORRUPT_PATTERNS = [
  /protobuf/i,
  /failed to load model/i,
  /can't create a session/i,
  /invalid (onnx )?model/i,
  /unexpected end of (json|data)/i,
  /invalid wire type/i,
  /is not valid json/i,
  /json\.parse/i,
  /index out of range/i,
];

/** Files transformers.js asks for but does without (a 404 there is harmless). */
const OPTIONAL_FILES = ['generation_config.json'];

/** Errors a dropped connection produces while a body is read (after the response arrived). */
const DROPPED_PATTERNS = [/terminated/i, /network ?error/i, /econnreset/i, /socket/i, /failed to fetch/i];

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fileOf(url: string, entry: ModelEntry): string {
  const marker = entry.source.kind === 'hub' ? `/resolve/${entry.source.revision}/` : `/${entry.source.folder}/`;
  const at = url.lastIndexOf(marker);
  return at >= 0 ? url.slice(at + marker.length) : url;
}

function retryAction(entry: ModelEntry): string {
  return entry.source.kind === 'bundled'
    ? "The site's copy of the bundled models is incomplete or damaged: reload the page; if that does not help, rebuild the site (npm run build) or tell whoever hosts it."
    : 'Check that the model id exists on the Hub and has ONNX files, or choose another model.';
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function classifyLoadError(error: unknown, entry: ModelEntry, watch: FetchWatch, cancelled: boolean): RuntimeErrorInfo {
  const label = entry.label;
  // A stall aborts its download, which can surface as an AbortError: check it before cancellation.
  const stall = error instanceof DownloadStalled ? error : cancelled ? null : watch.stalled;
  if (stall) {
    const what = stall.received > 0 ? 'stopped arriving' : 'never started arriving';
    return {
      kind: 'timeout',
      message: `The download of ${fileOf(stall.url, entry)} of ${label} ${what}: no data came for ${seconds(stall.timeoutMs)}, so the connection looks stalled.`,
      action:
        entry.source.kind === 'hub'
          ? 'Check your internet connection and retry; the bundled models work offline.'
          : 'Check your connection (or that the site is still being served) and retry.',
      url: stall.url,
    };
  }
  if (cancelled || (error instanceof NetworkFailure && error.aborted) || (error instanceof Error && error.name === 'AbortError')) {
    return cancelledError(`Loading ${label}`);
  }
  if (error instanceof NetworkFailure) {
    const host = new URL(error.url).host;
    return {
      kind: 'unreachable',
      message: `Could not reach ${host} to download ${fileOf(error.url, entry)} of ${label}: ${errorMessage(error)}.`,
      action:
        entry.source.kind === 'hub'
          ? 'Check your internet connection and retry; the bundled models work offline.'
          : 'Check that the site is still being served and retry.',
      url: error.url,
    };
  }
  const message = errorMessage(error);
  // transformers.js reports an HTTP failure as: <status text>: "<url>".
  const quotedUrl = /"(https?:\/\/[^"]+)"/.exec(message)?.[1];
  // Some failed files surface later as another error (a 404 tokenizer_config.json as a TypeError
  // reading it): then the first failed file the model needs explains the failure.
  const failure =
    (quotedUrl ? watch.failureFor(quotedUrl) : undefined) ??
    watch.failures.find((f) => f.status !== null && !OPTIONAL_FILES.includes(fileOf(f.url, entry)));
  if (failure && failure.status !== null) {
    const file = fileOf(failure.url, entry);
    if (failure.status === 404) {
      return {
        kind: 'not-found',
        message: `${file} of ${label} is not on the server (HTTP 404 at ${failure.url}).`,
        action: retryAction(entry),
        url: failure.url,
        status: 404,
      };
    }
    return {
      kind: 'http',
      message: `The server refused ${file} of ${label} with HTTP ${failure.status}${failure.message ? ` ${failure.message}` : ''}.`,
      action: failure.status >= 500 ? 'The server had a problem: wait a moment and retry.' : retryAction(entry),
      url: failure.url,
      status: failure.status,
    };
  }
  if (error instanceof SyntaxError || CORRUPT_PATTERNS.some((pattern) => pattern.test(message))) {
    return {
      kind: 'corrupt',
      message: `A file of ${label} arrived damaged and could not be read (${message}).`,
      action:
        'Retry; if it fails again, clear the site data for this page (which empties the model cache) and reload. ' +
        (entry.source.kind === 'bundled' ? 'If it still fails, the copy on the server is damaged: rebuild the site.' : ''),
    };
  }
  if (DROPPED_PATTERNS.some((pattern) => pattern.test(message))) {
    return {
      kind: 'unreachable',
      message: `The connection dropped while downloading ${label} (${message}).`,
      action: 'Check your connection and retry.',
    };
  }
  return {
    kind: 'internal',
    message: `Loading ${label} failed: ${message}`,
    action: 'Retry; if it fails again, try the other device (WASM or WebGPU) or another model, and report the problem.',
  };
}
