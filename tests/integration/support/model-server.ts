/**
 * A local HTTP server on 127.0.0.1 that serves the committed models (public/models) in two URL
 * layouts: the site's own (/models/<folder>/<file>) and the Hugging Face Hub's
 * (/<owner>/<repo>/resolve/<revision>/<file>, repo = a bundled folder), so the runtime's download
 * path runs against real HTTP without the internet. Named faults make it fail on purpose.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export const MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'public', 'models');

/** What the server does for a request that a fault matches. */
export type Fault =
  | { kind: 'status'; status: number }
  /** Bytes of the right length that are not an ONNX model. */
  | { kind: 'corrupt' }
  /** Sends the headers and a first chunk, then nothing until the client goes away. */
  | { kind: 'stall' }
  /** Sends nothing at all, not even headers, until the client goes away. */
  | { kind: 'hang' }
  /** A clean response of the first half of the file (its length says half): a truncated copy. */
  | { kind: 'truncate' }
  /** Announces the full length, sends half, then closes the connection. */
  | { kind: 'drop' };

export interface ModelServer {
  origin: string;
  /** Every path requested, in order. */
  requests: string[];
  /** Faults by URL path suffix (e.g. 'local/corrupt/resolve/main/onnx/model.onnx'). */
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

function fileFor(path: string): string | null {
  const site = /^\/models\/([^/]+)\/(.+)$/.exec(path);
  const hub = /^\/[^/]+\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
  const match = site ?? hub;
  if (!match) return null;
  const [, folder, file] = match;
  const full = normalize(join(MODELS_DIR, folder, file));
  return full.startsWith(MODELS_DIR) && existsSync(full) && statSync(full).isFile() ? full : null;
}

function applyFault(fault: Fault, file: string | null, response: ServerResponse): void {
  const size = file ? statSync(file).size : 1024;
  switch (fault.kind) {
    case 'status':
      response.writeHead(fault.status, { 'content-type': 'text/plain' }).end(`fault ${fault.status}`);
      return;
    case 'corrupt': {
      const junk = Buffer.alloc(size);
      for (let i = 0; i < size; i++) junk[i] = (i * 131 + 7) % 251;
      response.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' }).end(junk);
      return;
    }
    case 'stall':
      response.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(Math.min(size, 4096)));
      return;
    case 'hang':
      return;
    case 'truncate': {
      const half = file ? readFileSync(file).subarray(0, Math.floor(size / 2)) : Buffer.alloc(512);
      response.writeHead(200, { 'content-length': String(half.length), 'content-type': 'application/octet-stream' }).end(half);
      return;
    }
    case 'drop':
      response.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(Math.floor(size / 2)), () => response.socket?.destroy());
      return;
  }
}

export async function startModelServer(): Promise<ModelServer> {
  const requests: string[] = [];
  const faults = new Map<string, Fault>();
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    const file = fileFor(path);
    const fault = [...faults].find(([suffix]) => path.endsWith(suffix))?.[1];
    if (fault) return applyFault(fault, file, response);
    if (!file) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const size = statSync(file).size;
    response.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
