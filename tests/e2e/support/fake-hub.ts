import { readFileSync, statSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';
import { weightFile } from '../../../src/lib/runtime/hub-listing';
import { findModel, MODEL_CONFIG_FILES, MODELS } from '../../../src/lib/runtime/registry';
import { plainExpertPath } from '../../integration/support/lens-models';
import { tinyConfigFile, tinyGraphFile, type TinyForm } from '../../integration/support/tiny-hub-models';

/**
 * Stands in for huggingface.co (no internet here): answers the Hub's URL layout with the bundled
 * files, SmolLM2-135M as the amateur and SmolLM2-360M as the expert, so the opt-in path runs for
 * real in the browser: consent, download through the Hub code path, sessions on the new models.
 * SmolLM2-360M's weights are the expert without its layer_logits, as published exports are: the
 * worker's layer lens adds them back (logits and cache unchanged bit for bit), so DoLa on a Hub
 * model runs through the real lens path too. With a tiny `standIn` it serves tiny Llama and
 * Qwen2 graphs instead (below), so the browser loads those architectures' configs and graph forms
 * through the same path.
 *
 * It also answers the Hub's file listing (api/models/<repo>/tree/main) with those files' sizes,
 * unless `listing` is false (then the listing 404s, as when the Hub cannot be read).
 *
 * With `redirectModelsTo`, it answers each model file as the real Hub answers large files: a 302
 * to another host (the Hub's own are LFS/Xet/CDN hosts under hf.co). The browser checks the
 * redirect target against the Content-Security-Policy like any fetch. Playwright cannot route the
 * redirected request, so the bytes never arrive: this only shows whether the browser went there.
 */

/** Which files the stand-in serves under the registry's Hub names. */
export type StandIn = 'bundled' | TinyStandIn;
type TinyStandIn = 'tiny-fused' | 'tiny-plain';

const BUNDLED: Record<string, string> = { 'HuggingFaceTB/SmolLM2-135M-Instruct': 'amateur', 'HuggingFaceTB/SmolLM2-360M-Instruct': 'expert' };
/**
 * The tiny Llama and Qwen2 graphs of the lens fixtures under the Llama- and Qwen2-family names.
 * 'tiny-fused' makes each pair's large model (the one DoLa runs, through the lens) a fused graph
 * (GroupQueryAttention, SkipSimplifiedLayerNormalization; Qwen2's with a 4-bit MatMulNBits head)
 * and 'tiny-plain' a plain torch export, with the other form as the small model.
 */
const TINY: Record<TinyStandIn, Record<string, TinyForm>> = {
  'tiny-fused': {
    'HuggingFaceTB/SmolLM2-135M-Instruct': 'llama-plain',
    'HuggingFaceTB/SmolLM2-360M-Instruct': 'llama-fused',
    'onnx-community/Qwen2.5-0.5B-Instruct': 'qwen2-plain',
    'onnx-community/Qwen2.5-1.5B-Instruct': 'qwen2-fused-q4head',
  },
  'tiny-plain': {
    'HuggingFaceTB/SmolLM2-135M-Instruct': 'llama-fused',
    'HuggingFaceTB/SmolLM2-360M-Instruct': 'llama-plain',
    'onnx-community/Qwen2.5-0.5B-Instruct': 'qwen2-fused',
    'onnx-community/Qwen2.5-1.5B-Instruct': 'qwen2-plain',
  },
};

/** The tiny form a tiny stand-in serves for a registry model. */
export function tinyFormOf(standIn: TinyStandIn, modelId: string): TinyForm {
  const source = findModel(modelId)?.source;
  const form = source?.kind === 'hub' ? TINY[standIn][source.repo] : undefined;
  if (!form) throw new Error(`the ${standIn} stand-in serves no model as "${modelId}"`);
  return form;
}

const SMALL_FILES: readonly string[] = MODEL_CONFIG_FILES;

function weightsOf(repo: string): string | null {
  const entry = MODELS.find((model) => model.source.kind === 'hub' && model.source.repo === repo);
  return entry ? weightFile(entry.dtype) : null;
}

/** The local file the stand-in serves for a Hub repository's file ("owner/name"), or null for a 404. */
export function servedFile(repo: string, file: string, standIn: StandIn = 'bundled'): string | null {
  const weights = weightsOf(repo);
  if (file !== weights && !SMALL_FILES.includes(file)) return null;
  if (standIn !== 'bundled') {
    const form = TINY[standIn][repo];
    if (!form) return null;
    return file === weights ? tinyGraphFile(form) : tinyConfigFile(form, file);
  }
  const folder = BUNDLED[repo];
  if (!folder) return null;
  if (file === weights && folder === 'expert') return plainExpertPath();
  return new URL(`../../../public/models/${folder}/${file === weights ? 'onnx/model.onnx' : file}`, import.meta.url).pathname;
}

/** What the stand-in's listing says a load of the repository fetches (bytes). */
export function listedBytes(repo: string, standIn: StandIn = 'bundled'): number {
  return [...SMALL_FILES, weightsOf(repo)!].reduce((sum, file) => sum + statSync(servedFile(repo, file, standIn)!).size, 0);
}

export async function fakeHub(
  context: BrowserContext,
  requested: string[],
  options: { redirectModelsTo?: string; listing?: boolean; standIn?: StandIn } = {},
): Promise<void> {
  const standIn = options.standIn ?? 'bundled';
  const serve = (path: string): Buffer | null => {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const file = match ? servedFile(match[1], match[2], standIn) : null;
    return file ? readFileSync(file) : null;
  };
  // The Hub's tree API, as the consent step reads it: the files above with their sizes.
  const listing = (path: string): object[] | null => {
    const match = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main$/.exec(path);
    const weights = match && servedFile(match[1], weightsOf(match[1])!, standIn) ? weightsOf(match[1])! : null;
    if (!match || !weights) return null;
    const size = (file: string) => statSync(servedFile(match[1], file, standIn)!).size;
    return [
      { type: 'directory', path: 'onnx', size: 0 },
      ...SMALL_FILES.map((file) => ({ type: 'file', path: file, size: size(file) })),
      { type: 'file', path: weights, size: 134, lfs: { size: size(weights) } },
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
