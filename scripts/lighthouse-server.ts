/**
 * Serves the built site for npm run lighthouse as a static host would: the headers of
 * dist/_headers, and text compressed with gzip when the browser asks for it (every common host
 * does; without it the 110 KB chapter pages take Lighthouse's simulated mobile link half a second
 * longer than a reader's would). bench/server.ts stays uncompressed: the benchmark counts bytes.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { StaticServer } from '../bench/server';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.wasm', '.onnx']);

async function fileFor(root: string, urlPath: string): Promise<string | null> {
  const candidate = normalize(join(root, decodeURIComponent(urlPath.split('?')[0])));
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  for (const path of [candidate, join(candidate, 'index.html')]) {
    if (await stat(path).then((s) => s.isFile(), () => false)) return path;
  }
  return null;
}

export async function serveCompressed(root: string, port: number, headers: Readonly<Record<string, string>>): Promise<StaticServer> {
  const server = createServer((request, response) => {
    void (async () => {
      const file = await fileFor(root, request.url ?? '/');
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const ext = extname(file);
      let body = await readFile(file);
      const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      if (gzip) body = gzipSync(body);
      response.writeHead(200, {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'content-length': String(body.length),
        'cache-control': 'max-age=600',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...headers,
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
