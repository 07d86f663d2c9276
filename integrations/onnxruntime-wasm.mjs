// @ts-check
/**
 * Serves onnxruntime-web's runtime files from the site itself, so nothing is fetched from a CDN.
 *
 * transformers.js (browser build) imports `onnxruntime-web/webgpu`, whose single WebAssembly
 * binary (the "asyncify" build) carries both the WASM (CPU) and the WebGPU execution providers.
 * It needs exactly two files: the Emscripten loader (.mjs) and the binary (.wasm). This
 * integration copies them to `<outDir>/ort/` after `astro build` and serves them at
 * `<base>ort/<file>` from `astro dev`. The worker then sets
 *   env.backends.onnx.wasm.wasmPaths = { mjs: <base>ort/<mjs>, wasm: <base>ort/<wasm> }
 * (absolute URLs built from import.meta.env.BASE_URL and self.location).
 */
import { createReadStream, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ISOLATION_HEADERS } from './security-policy.mjs';

/** Folder under the site's base path that holds the runtime files (with a trailing slash). */
export const ORT_DIR = 'ort/';

/**
 * The loaders and binaries `onnxruntime-web/webgpu` can start: the plain build (the WASM EP only;
 * the worker starts it when its first model runs on WASM) and the "asyncify" build (the WASM and
 * WebGPU EPs, for a first model on WebGPU). src/lib/runtime/worker/ort-files.ts names the same.
 */
export const ORT_WASM = 'ort-wasm-simd-threaded.wasm';
export const ORT_FILES = /** @type {const} */ ([
  'ort-wasm-simd-threaded.mjs',
  ORT_WASM,
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
]);

const MIME = { '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

/**
 * Finds onnxruntime-web's dist folder the way transformers.js resolves it (from its own
 * location), falling back to the project root.
 * @param {string} root absolute path of the project root
 */
function ortDistDir(root) {
  const fromRoot = createRequire(join(root, 'package.json'));
  /** @type {NodeJS.Require[]} */
  const requires = [];
  try {
    requires.push(createRequire(fromRoot.resolve('@huggingface/transformers')));
  } catch {
    /* transformers not installed: resolve from the root only */
  }
  requires.push(fromRoot);
  for (const req of requires) {
    try {
      return dirname(req.resolve(`onnxruntime-web/${ORT_WASM}`));
    } catch {
      /* try the next one */
    }
  }
  throw new Error(`[onnxruntime-wasm] cannot resolve onnxruntime-web/${ORT_WASM}; is onnxruntime-web installed?`);
}

/**
 * onnxruntime-web's bundles contain `new URL("ort-wasm-simd-threaded.*.wasm", import.meta.url)` as
 * a fallback for when wasmPaths is unset. Vite would emit that 27 MB binary a second time under
 * _astro/ (never fetched, since the worker sets wasmPaths). Marking it /* @vite-ignore *\/ stops that.
 * Worker bundles only run `vite.worker.plugins`, so the plugin is registered there and in `vite.plugins`.
 * @returns {import('vite').Plugin}
 */
function ignoreOrtWasmUrl() {
  return {
    name: 'onnxruntime-wasm:ignore-wasm-url',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]onnxruntime-web[\\/]dist[\\/][^\\/]+\.m?js(\?|$)/.test(id)) return null;
      if (!code.includes('new URL("ort-wasm-simd-threaded')) return null;
      return { code: code.replaceAll('new URL("ort-wasm-simd-threaded', 'new URL(/* @vite-ignore */ "ort-wasm-simd-threaded'), map: null };
    },
  };
}

/** @returns {import('astro').AstroIntegration} */
export default function onnxruntimeWasm() {
  let base = '/';
  let distDir = '';
  return {
    name: 'onnxruntime-wasm',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        updateConfig({ vite: { plugins: [ignoreOrtWasmUrl()], worker: { plugins: () => [ignoreOrtWasmUrl()] } } });
      },
      'astro:config:done': ({ config }) => {
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
        distDir = ortDistDir(fileURLToPath(config.root));
        for (const f of ORT_FILES) statSync(join(distDir, f)); // fail early if a file is missing
      },
      'astro:server:setup': ({ server }) => {
        const prefix = `${base}${ORT_DIR}`;
        server.middlewares.use((req, res, next) => {
          // Astro's dev server strips the base from req.url before this runs; originalUrl keeps it.
          const url = /** @type {{ originalUrl?: string }} */ (req).originalUrl ?? req.url ?? '';
          const path = url.split(/[?#]/)[0];
          if (!path.startsWith(prefix)) return next();
          const name = decodeURIComponent(path.slice(prefix.length));
          if (!(/** @type {readonly string[]} */ (ORT_FILES).includes(name))) return next();
          if (req.method !== 'GET' && req.method !== 'HEAD') return next();
          const file = join(distDir, name);
          const ext = /** @type {'.mjs' | '.wasm'} */ (name.slice(name.lastIndexOf('.')));
          res.statusCode = 200;
          res.setHeader('Content-Type', MIME[ext]);
          res.setHeader('Content-Length', String(statSync(file).size));
          res.setHeader('Cache-Control', 'no-cache');
          // As astro.config.mjs's server.headers, which this middleware answers before: onnxruntime's
          // thread workers start from the .mjs, and a worker is isolated only if its script says so.
          for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
          if (req.method === 'HEAD') return void res.end();
          createReadStream(file).on('error', next).pipe(res);
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = join(fileURLToPath(dir), ORT_DIR);
        await mkdir(out, { recursive: true });
        for (const f of ORT_FILES) await copyFile(join(distDir, f), join(out, f));
        logger.info(`copied ${ORT_FILES.join(', ')} to ${out}`);
      },
    },
  };
}
