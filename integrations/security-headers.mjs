// @ts-check
/**
 * Puts the site's security policy (integrations/security-policy.mjs) into every build:
 * - `_headers` at the root of the output (Netlify and Cloudflare Pages send these headers with
 *   every file; other hosts: copy the headers from README);
 * - a <meta http-equiv="Content-Security-Policy"> copy as the first element after <meta charset>
 *   of every page, for hosts that cannot send headers (GitHub Pages). A meta policy covers only
 *   the page itself (not the model worker, whose policy comes from its own response headers) and
 *   cannot carry frame-ancestors, so the header is the real thing and the meta copy a fallback.
 *   Both together are fine: a browser enforces every policy it is given.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headersFile, META_CONTENT_SECURITY_POLICY } from './security-policy.mjs';

export const META_TAG = `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}">`;

/**
 * Inserts the meta policy before anything it must govern: right after <meta charset> (which must
 * stay first), else right after <head>.
 * @param {string} html
 * @returns {string}
 */
export function withMetaPolicy(html) {
  const charset = /<meta charset=[^>]*>/i.exec(html);
  if (charset) return html.replace(charset[0], `${charset[0]}${META_TAG}`);
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) throw new Error('[security-headers] a built page has no <head> to put the policy in');
  return html.replace(head[0], `${head[0]}${META_TAG}`);
}

/** @returns {import('astro').AstroIntegration} */
export default function securityHeaders() {
  return {
    name: 'security-headers',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        await writeFile(join(root, '_headers'), headersFile());
        const pages = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.html'));
        for (const page of pages) {
          const path = join(root, page);
          await writeFile(path, withMetaPolicy(await readFile(path, 'utf8')));
        }
        logger.info(`wrote _headers and the policy into ${pages.length} pages`);
      },
    },
  };
}
