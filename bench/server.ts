/**
 * A tiny static file server for the built site, so the benchmark controls its own port and
 * headers (no dev tooling in the measured path). Headers mimic a plain static host: correct
 * MIME types (.mjs as JavaScript, .wasm as application/wasm) and a short max-age, as GitHub
 * Pages sends, so a reload may take scripts from the HTTP cache.
 *
 * The benchmark serves uncompressed, since it counts bytes; `gzip` compresses text as every
 * common host does (npm run lighthouse: without it the 110 KB chapter pages take Lighthouse's
 * simulated mobile link half a second longer than a reader's would).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.md', '.wasm', '.onnx']);

export interface ServeOptions {
  /** Compress text with gzip when the browser accepts it (default false). */
  gzip?: boolean;
}

async function resolveFile(root: string, urlPath: string): Promise<string | null> {
  const decoded = decodeURIComponent(urlPath.split('?')[0]);
  const candidate = normalize(join(root, decoded));
  // Never serve outside the site folder.
  if (candidate !== root && !candidate.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  for (const path of [candidate, join(candidate, 'index.html')]) {
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Answers GET and HEAD requests with the files under `root` (also used by the e2e security-policy test). */
export function staticFileHandler(root: string, headers: Readonly<Record<string, string>> = {}, options: ServeOptions = {}): RequestListener {
  return (request, response) => {
    void resolveFile(root, request.url ?? '/').then(async (file) => {
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const info = await stat(file);
      const ext = extname(file);
      const common = {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'cache-control': 'max-age=600',
        'last-modified': info.mtime.toUTCString(),
      };
      if (options.gzip && COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        const body = gzipSync(await readFile(file));
        response.writeHead(200, { ...common, 'content-length': String(body.length), 'content-encoding': 'gzip', vary: 'accept-encoding', ...headers });
        response.end(request.method === 'HEAD' ? undefined : body);
        return;
      }
      response.writeHead(200, { ...common, 'content-length': String(info.size), ...headers });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    });
  };
}

/** Serves `root` on 127.0.0.1:port, every response with `headers` added. */
export async function serveStatic(
  root: string,
  port: number,
  headers: Readonly<Record<string, string>> = {},
  options: ServeOptions = {},
): Promise<StaticServer> {
  const server: Server = createServer(staticFileHandler(root, headers, options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
