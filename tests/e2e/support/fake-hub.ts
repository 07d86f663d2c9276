import { readFileSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';

/**
 * Stands in for huggingface.co (no internet here): answers the Hub's URL layout with the bundled
 * files, SmolLM2-135M as the amateur and SmolLM2-360M as the expert, so the opt-in path runs for
 * real in the browser: consent, download through the Hub code path, sessions on the new models.
 * Every requested path is pushed to `requested`.
 */
export async function fakeHub(context: BrowserContext, requested: string[]): Promise<void> {
  const folders: Record<string, string> = { 'SmolLM2-135M-Instruct': 'amateur', 'SmolLM2-360M-Instruct': 'expert' };
  await context.route('https://huggingface.co/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    requested.push(path);
    const match = /^\/HuggingFaceTB\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const folder = match ? folders[match[1]] : undefined;
    if (!match || !folder) return route.fulfill({ status: 404, body: 'not found' });
    const file = match[2] === 'onnx/model_q4.onnx' ? 'onnx/model.onnx' : match[2];
    try {
      return route.fulfill({ status: 200, body: readFileSync(new URL(`../../../public/models/${folder}/${file}`, import.meta.url)) });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}
