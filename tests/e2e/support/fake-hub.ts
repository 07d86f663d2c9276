import { readFileSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';

/**
 * Stands in for huggingface.co (no internet here): answers the Hub's URL layout with the bundled
 * files, SmolLM2-135M as the amateur and SmolLM2-360M as the expert, so the opt-in path runs for
 * real in the browser: consent, download through the Hub code path, sessions on the new models.
 *
 * With `redirectModelsTo`, it answers each model file as the real Hub answers large files: a 302
 * to another host (the Hub's own are LFS/Xet/CDN hosts under hf.co). The browser checks the
 * redirect target against the Content-Security-Policy like any fetch. Playwright cannot route the
 * redirected request, so the bytes never arrive: this only shows whether the browser went there.
 */
export async function fakeHub(context: BrowserContext, requested: string[], options: { redirectModelsTo?: string } = {}): Promise<void> {
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
  await context.route('https://huggingface.co/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    requested.push(path);
    if (options.redirectModelsTo && path.endsWith('.onnx')) {
      // A cross-origin redirect must pass CORS itself; the Hub's carry this header too.
      return route.fulfill({ status: 302, headers: { location: `${options.redirectModelsTo}${path}`, 'access-control-allow-origin': '*' } });
    }
    const body = serve(path);
    return body ? route.fulfill({ status: 200, body }) : route.fulfill({ status: 404, body: 'not found' });
  });
}
