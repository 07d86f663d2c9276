/**
 * How many bytes loading a Hub model fetches, read from the Hub's own file listing at run time
 * (GET <host>api/models/<repo>/tree/<revision>?recursive=true), so the consent step can show the
 * real size of today's files. The registry's figure stands in when the listing cannot be reached
 * (offline, a network filter, a changed API), and the caller says which one it shows.
 */
import { HUB_HOST, MODEL_CONFIG_FILES, type ModelDtype, type ModelEntry } from './registry';

/** transformers.js's file name suffix per dtype (onnx/model<suffix>.onnx). */
const WEIGHT_SUFFIX: Readonly<Record<ModelDtype, string>> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

export function weightFile(dtype: ModelDtype): string {
  return `onnx/model${WEIGHT_SUFFIX[dtype]}.onnx`;
}

/**
 * The bytes of the files a load of this dtype fetches, from a tree listing: the config and
 * tokenizer files, the weights and any external-data parts beside them (<weights>_data...).
 * null when the listing does not hold the weights (then it says nothing about this load).
 */
export function bytesFromListing(listing: unknown, dtype: ModelDtype): number | null {
  if (!Array.isArray(listing)) return null;
  const weights = weightFile(dtype);
  let total = 0;
  let hasWeights = false;
  for (const item of listing as { type?: unknown; path?: unknown; size?: unknown; lfs?: { size?: unknown } }[]) {
    if (item?.type !== 'file' || typeof item.path !== 'string') continue;
    const size = typeof item.lfs?.size === 'number' ? item.lfs.size : item.size;
    if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) continue;
    if (item.path === weights) hasWeights = true;
    if ((MODEL_CONFIG_FILES as readonly string[]).includes(item.path) || item.path === weights || item.path.startsWith(`${weights}_data`)) total += size;
  }
  return hasWeights ? total : null;
}

export interface DownloadSize {
  bytes: number;
  /** 'hub-listing': summed from the Hub's listing just now; 'registry': the site's own figure. */
  source: 'hub-listing' | 'registry';
}

export function listingUrl(repo: string, revision: string, host = HUB_HOST): string {
  return `${host}api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
}

/** The model's download size: from the Hub's listing where it answers in time, else the registry's. */
export async function downloadSize(
  entry: ModelEntry,
  fetchListing: typeof fetch = fetch,
  options: { host?: string; timeoutMs?: number } = {},
): Promise<DownloadSize> {
  const fallback: DownloadSize = { bytes: entry.downloadBytes, source: 'registry' };
  if (entry.source.kind !== 'hub') return fallback;
  try {
    const response = await fetchListing(listingUrl(entry.source.repo, entry.source.revision, options.host), {
      signal: AbortSignal.timeout(options.timeoutMs ?? 8000),
    });
    if (!response.ok) return fallback;
    const bytes = bytesFromListing(await response.json(), entry.dtype);
    return bytes === null ? fallback : { bytes, source: 'hub-listing' };
  } catch {
    return fallback; // offline, blocked or too slow: the consent step says the figure is the registry's
  }
}
