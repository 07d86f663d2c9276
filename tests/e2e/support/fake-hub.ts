import { readFileSync, statSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';

/**
 * Stands in for huggingface.co (no internet here): answers the Hub's URL layout with the bundled
 * files, SmolLM2-135M as the amateur and SmolLM2-360M as the expert, so the opt-in path runs for
 * real in the browser: consent, download through the Hub code path, sessions on the new models.
 *
 * It also answers the Hub's file listing (api/models/<repo>/tree/main) with those files' sizes,
 * unless `listing` is false (then the listing 404s, as when the Hub cannot be read).
 *
 * With `redirectModelsTo`, it answers each model file as the real Hub answers large files: a 302
 * to another host (the Hub's own are LFS/Xet/CDN hosts under hf.co). The browser checks the
 * redirect target against the Content-Security-Policy like any fetch. Playwright cannot route the
 * redirected request, so the bytes never arrive: this only shows whether the browser went there.
 */
export async function fakeHub(
  context: BrowserContext,
  requested: string[],
  options: { redirectModelsTo?: string; listing?: boolean } = {},
): Promise<void> {
  const folders: Record<string, string> = { 'SmolLM2-135M-Instruct': 'amateur', 'SmolLM2-360M-Instruct': 'expert' };
  const serve = (path: string): Buffer | null => {
    const match = /^\/HuggingFaceTB\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const folder = match ? folders[match[1]] : undefined;
    if (!match || !folder) return null;
    const file = match[2] === 'onnx/model_q4.onnx' ? 'onnx/model.onnx' : match[2];
    try {
      return readFileSync(new URL(`../../../public/models/${folder}/${file}`, import.meta.url));
    } catch {
      return null;
    }
  };
  // The Hub's tree API, as the consent step reads it: the files above with their sizes.
  const listing = (path: string): object[] | null => {
    const match = /^\/api\/models\/HuggingFaceTB\/([^/]+)\/tree\/main$/.exec(path);
    const folder = match ? folders[match[1]] : undefined;
    if (!folder) return null;
    const size = (file: string) => statSync(new URL(`../../../public/models/${folder}/${file}`, import.meta.url)).size;
    const small = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'].map((file) => ({ type: 'file', path: file, size: size(file) }));
    const weights = size('onnx/model.onnx');
    return [{ type: 'directory', path: 'onnx', size: 0 }, ...small, { type: 'file', path: 'onnx/model_q4.onnx', size: 134, lfs: { size: weights } }];
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
