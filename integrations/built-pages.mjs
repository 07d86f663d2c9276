// @ts-check
/**
 * What the integrations that rewrite the built HTML share: where Astro put the build's assets
 * (<base>_astro/ by default), a short content hash for the files they add there, and a pass over
 * every built page.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The assets folder, as a path under the output directory and as the URL pages link it by.
 * @param {import('astro').AstroConfig} config
 */
export function assetsLocation(config) {
  const base = config.base.endsWith('/') ? config.base : `${config.base}/`;
  return { dir: config.build.assets, url: `${base}${config.build.assets}/` };
}

/** @param {string} content */
export function contentHash(content) {
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}

/**
 * Runs `rewrite` over every .html file under `root`, writing back those it changed (count > 0).
 * @param {string} root
 * @param {(html: string) => Promise<{ html: string, count: number }>} rewrite
 * @returns {Promise<{ pages: number, count: number }>} pages read, and the sum of the counts
 */
export async function rewritePages(root, rewrite) {
  const pages = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.html'));
  let count = 0;
  for (const page of pages) {
    const path = join(root, page);
    const result = await rewrite(await readFile(path, 'utf8'));
    count += result.count;
    if (result.count > 0) await writeFile(path, result.html);
  }
  return { pages: pages.length, count };
}
