/**
 * What the site ships: the JavaScript each built page loads (its scripts, island components and
 * renderers, and every chunk those import statically, transitively), gzipped with node:zlib at
 * its default level; the code loaded on demand (dynamic imports, the model worker, onnxruntime's
 * .mjs and .wasm); and the bundled model files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PageBundle {
  page: string;
  files: number;
  jsBytes: number;
  jsGzipBytes: number;
  /** Inline <script> bodies of the HTML (Astro's island loader), already inside the HTML. */
  inlineScriptGzipBytes: number;
  /** Dynamic imports reachable from the page's scripts, not already counted. */
  lazyJsGzipBytes: number;
}

export interface OnDemandFile {
  name: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ModelBytes {
  model: string;
  files: number;
  bytes: number;
  onnxBytes: number;
}

export interface BundleReport {
  pages: PageBundle[];
  onDemand: OnDemandFile[];
  models: ModelBytes[];
  modelsTotalBytes: number;
}

const gzipSize = (data: Buffer | string): number => gzipSync(data).length;

function walk(dir: string, match: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, match));
    else if (match(path)) out.push(path);
  }
  return out;
}

/** Site URL path (root-relative, base '/') or chunk-relative specifier to a file in outDir. */
function toFile(outDir: string, from: string, spec: string): string | null {
  if (/^[a-z]+:/i.test(spec)) return null;
  const file = spec.startsWith('/') ? join(outDir, spec) : resolve(dirname(from), spec);
  return existsSync(file) ? file : null;
}

function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const code = readFileSync(file, 'utf8');
  const stat = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'`]([^"'`\s]+\.m?js)["'`]/g)].map((m) => m[1]);
  const dynamic = [...code.matchAll(/\bimport\(\s*["'`]([^"'`\s]+\.m?js)["'`]\s*\)/g)].map((m) => m[1]);
  return { static: stat, dynamic };
}

/** The static-import closure of some entry files. */
function closure(outDir: string, entries: string[]): { files: Set<string>; dynamic: Set<string> } {
  const files = new Set<string>();
  const dynamic = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const found = importsOf(file);
    for (const spec of found.static) {
      const next = toFile(outDir, file, spec);
      if (next) queue.push(next);
    }
    for (const spec of found.dynamic) {
      const next = toFile(outDir, file, spec);
      if (next) dynamic.add(next);
    }
  }
  return { files, dynamic };
}

const attr = (html: string, pattern: RegExp): string[] => [...html.matchAll(pattern)].map((m) => m[1].replaceAll('&amp;', '&'));

function pageBundle(outDir: string, htmlFile: string): PageBundle {
  const html = readFileSync(htmlFile, 'utf8');
  const urls = [
    ...attr(html, /<script\b[^>]*\bsrc="([^"]+)"/g),
    ...attr(html, /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
    ...attr(html, /<link\b[^>]*\bhref="([^"]+)"[^>]*\brel="modulepreload"/g),
    ...attr(html, /\b(?:component-url|renderer-url|before-hydration-url)="([^"]+)"/g),
  ];
  const entries = [...new Set(urls.map((u) => toFile(outDir, htmlFile, u)).filter((f): f is string => f !== null))];
  const { files, dynamic } = closure(outDir, entries);
  const lazy = closure(outDir, [...dynamic].filter((f) => !files.has(f))).files;
  for (const f of files) lazy.delete(f);
  const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const page = '/' + relative(outDir, dirname(htmlFile)).split('\\').join('/');
  return {
    page: page === '/' ? '/' : `${page}/`,
    files: files.size,
    jsBytes: [...files].reduce((a, f) => a + statSync(f).size, 0),
    jsGzipBytes: [...files].reduce((a, f) => a + gzipSize(readFileSync(f)), 0),
    inlineScriptGzipBytes: inline.length > 0 ? gzipSize(inline) : 0,
    lazyJsGzipBytes: [...lazy].reduce((a, f) => a + gzipSize(readFileSync(f)), 0),
  };
}

function onDemandFile(outDir: string, name: string, file: string): OnDemandFile {
  const data = readFileSync(file);
  return { name, file: relative(outDir, file), bytes: data.length, gzipBytes: gzipSize(data) };
}

export function measureBundle(outDir: string): BundleReport {
  const pages = walk(outDir, (f) => f.endsWith('.html'))
    .map((f) => pageBundle(outDir, f))
    .sort((a, b) => a.page.localeCompare(b.page));

  const onDemand: OnDemandFile[] = [];
  const astroDir = join(outDir, '_astro');
  for (const file of walk(astroDir, (f) => /\/worker-[^/]*\.js$/.test(f))) {
    onDemand.push(onDemandFile(outDir, 'model worker (JS)', file));
  }
  const ortDir = join(outDir, 'ort');
  if (existsSync(ortDir)) {
    for (const file of walk(ortDir, (f) => /\.(mjs|wasm)$/.test(f))) {
      onDemand.push(onDemandFile(outDir, file.endsWith('.wasm') ? 'onnxruntime-web (wasm)' : 'onnxruntime-web (JS glue)', file));
    }
  }

  const models: ModelBytes[] = [];
  const modelsDir = join(outDir, 'models');
  if (existsSync(modelsDir)) {
    for (const model of readdirSync(modelsDir).sort()) {
      // What the loader fetches: everything but the human-readable model card.
      const files = walk(join(modelsDir, model), (f) => !f.endsWith('MODEL_CARD.md'));
      models.push({
        model,
        files: files.length,
        bytes: files.reduce((a, f) => a + statSync(f).size, 0),
        onnxBytes: files.filter((f) => f.includes('/onnx/')).reduce((a, f) => a + statSync(f).size, 0),
      });
    }
  }
  return { pages, onDemand, models, modelsTotalBytes: models.reduce((a, m) => a + m.bytes, 0) };
}
