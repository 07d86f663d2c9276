import { readFileSync, statSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';
import { weightFile } from '../../../src/lib/runtime/hub-listing';
import { MODEL_CONFIG_FILES } from '../../../src/lib/runtime/registry';
import { plainExpertPath } from '../../integration/support/lens-models';

/**
 * Stands in for huggingface.co (no internet here): answers the Hub's URL layout with the bundled
 * files, SmolLM2-135M as the amateur and SmolLM2-360M as the expert, so the opt-in path runs for
 * real in the browser: consent, download through the Hub code path, sessions on the new models.
 * SmolLM2-360M's weights are the expert without its layer_logits, as published exports are: the
 * worker's layer lens adds them back (logits and cache unchanged bit for bit), so DoLa on a Hub
 * model runs through the real lens path too.
 *
 * It also answers the Hub's file listing (api/models/<repo>/tree/main) with those files' sizes,
 * unless `listing` is false (then the listing 404s, as when the Hub cannot be read).
 *
 * With `redirectModelsTo`, it answers each model file as the real Hub answers large files: a 302
 * to another host (the Hub's own are LFS/Xet/CDN hosts under hf.co). The browser checks the
 * redirect target against the Content-Security-Policy like any fetch. Playwright cannot route the
 * redirected request, so the bytes never arrive: this only shows whether the browser went there.
 */
const FOLDERS: Record<string, string> = { 'SmolLM2-135M-Instruct': 'amateur', 'SmolLM2-360M-Instruct': 'expert' };
const WEIGHTS = weightFile('q4');
const SMALL_FILES: readonly string[] = MODEL_CONFIG_FILES;

/** The local file the stand-in serves for a Hub repository's file, or null for a 404. */
export function servedFile(repo: string, file: string): string | null {
  const folder = FOLDERS[repo];
  if (!folder || (file !== WEIGHTS && !SMALL_FILES.includes(file))) return null;
  if (file === WEIGHTS && folder === 'expert') return plainExpertPath();
  return new URL(`../../../public/models/${folder}/${file === WEIGHTS ? 'onnx/model.onnx' : file}`, import.meta.url).pathname;
}

/** What the stand-in's listing says a load of the repository fetches (bytes). */
export function listedBytes(repo: string): number {
  return [...SMALL_FILES, WEIGHTS].reduce((sum, file) => sum + statSync(servedFile(repo, file)!).size, 0);
}

export async function fakeHub(
  context: BrowserContext,
  requested: string[],
  options: { redirectModelsTo?: string; listing?: boolean } = {},
): Promise<void> {
  const serve = (path: string): Buffer | null => {
    const match = /^\/HuggingFaceTB\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const file = match ? servedFile(match[1], match[2]) : null;
    return file ? readFileSync(file) : null;
  };
  // The Hub's tree API, as the consent step reads it: the files above with their sizes.
  const listing = (path: string): object[] | null => {
    const match = /^\/api\/models\/HuggingFaceTB\/([^/]+)\/tree\/main$/.exec(path);
    if (!match || !FOLDERS[match[1]]) return null;
    const size = (file: string) => statSync(servedFile(match[1], file)!).size;
    return [
      { type: 'directory', path: 'onnx', size: 0 },
      ...SMALL_FILES.map((file) => ({ type: 'file', path: file, size: size(file) })),
      { type: 'file', path: WEIGHTS, size: 134, lfs: { size: size(WEIGHTS) } },
    ];
  };
  await context.route('https://huggingface.co/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    requested.push(path);
    const listed = options.listing === false ? null : listing(path);
    if (listed) return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(listed) });
    if (options.redirectModelsTo && path.endsWith('.onnx')) {
      // A cross-origin redirect must pass CORS itself; the Hub's carry this header too.
      return route.fulfill({ status: 302, headers: { location: `${options.redirectModelsTo}${path}`, 'access-control-allow-origin': '*' } });
    }
    const body = serve(path);
    return body ? route.fulfill({ status: 200, body }) : route.fulfill({ status: 404, body: 'not found' });
  });
}
