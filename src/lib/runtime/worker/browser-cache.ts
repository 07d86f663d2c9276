/**
 * The browser's Cache API storage of downloaded model files. Bundled models go into a cache named
 * after their version, so a new build of the site never serves stale weights (and the old cache
 * is deleted); Hub models go into one cache of their own that survives site updates. A file that
 * turns out damaged is removed, so that a retry downloads it again.
 */
import { BUNDLED_MODELS_VERSION, type ModelEntry } from '../registry';

const PREFIX = 'decoding-explainer-';
const BUNDLED_CACHE = `${PREFIX}bundled-${BUNDLED_MODELS_VERSION}`;
/**
 * Hub weights are stored as the layer lens extended them (worker/lens-fetch.ts). The cache before
 * the lens held them without it, so it is a different name, and the old one is deleted.
 */
const HUB_CACHE = `${PREFIX}hub-lens`;
const RETIRED_CACHES = [`${PREFIX}hub`];

export function cacheNameFor(entry: ModelEntry): string {
  return entry.source.kind === 'bundled' ? BUNDLED_CACHE : HUB_CACHE;
}

function cacheStorage(): CacheStorage | null {
  return typeof caches === 'undefined' ? null : caches;
}

/** Deletes caches of earlier builds' bundled models, and Hub files stored before the layer lens. */
export async function pruneOldCaches(): Promise<void> {
  const storage = cacheStorage();
  if (!storage) return;
  for (const name of await storage.keys()) {
    const oldBundled = name.startsWith(`${PREFIX}bundled-`) && name !== BUNDLED_CACHE;
    if (oldBundled || RETIRED_CACHES.includes(name)) await storage.delete(name);
  }
}

/** Removes every cached file whose URL starts with `urlPrefix` (one model's folder). */
export async function forgetCachedFiles(entry: ModelEntry, urlPrefix: string): Promise<number> {
  const storage = cacheStorage();
  if (!storage) return 0;
  const cache = await storage.open(cacheNameFor(entry));
  let removed = 0;
  for (const request of await cache.keys()) {
    if (request.url.startsWith(urlPrefix) && (await cache.delete(request))) removed++;
  }
  return removed;
}
