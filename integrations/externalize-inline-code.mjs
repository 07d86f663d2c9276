// @ts-check
/**
 * Moves every inline <script> and <style> of the built pages into files, so the site's
 * Content-Security-Policy (integrations/security-policy.mjs) allows scripts and style sheets from
 * the site itself and nothing inline.
 *
 * Astro 5 always inlines its island runtime: the `astro-island` element, one small script per
 * client directive (client:visible, ...) and `astro-island{display:contents}`. It has no setting
 * to emit them as files (its experimental CSP hashes them into a <meta> policy instead, which
 * would still allow inline code). After `astro build` this replaces each in place:
 *   <script>CODE</script>         -> <script src="<base>_astro/inline.<hash>.js"></script>
 *   <script type="module">CODE    -> <script type="module" src="...">
 *   <style>CSS</style>            -> <link rel="stylesheet" href="<base>_astro/inline.<hash>.css">
 * A classic script with `src` (and no async/defer) runs where it stands, in order, exactly as the
 * inline one did; a stylesheet link where the <style> stood keeps the cascade order. Files are
 * named after a hash of their content, so pages share them and browsers may cache them for good.
 * Non-executable script types (JSON data blocks) are left alone: a policy does not apply to them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetsLocation, contentHash, rewritePages } from './built-pages.mjs';

/** Script types a browser executes (an absent or empty type is classic JavaScript). */
const EXECUTABLE_TYPE = /^(|module|text\/javascript|application\/javascript)$/i;

/** @param {string} attributes */
function typeOf(attributes) {
  return /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attributes)?.[1] ?? '';
}

/**
 * Rewrites one page; `store(content, ext)` writes a file and returns its URL.
 * @param {string} html
 * @param {(content: string, ext: '.js' | '.css') => string} store
 * @returns {{ html: string, moved: number }}
 */
export function moveInlineCode(html, store) {
  let moved = 0;
  const withScripts = html.replace(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi, (whole, attributes = '', code) => {
    if (/\bsrc\s*=/i.test(attributes) || !EXECUTABLE_TYPE.test(typeOf(attributes))) return whole;
    moved++;
    return `<script${attributes} src="${store(code, '.js')}"></script>`;
  });
  const withStyles = withScripts.replace(/<style(\s[^>]*)?>([\s\S]*?)<\/style>/gi, (_whole, attributes = '', css) => {
    moved++;
    const media = /\bmedia\s*=\s*("[^"]*"|'[^']*')/i.exec(attributes)?.[1];
    return `<link rel="stylesheet" href="${store(css, '.css')}"${media ? ` media=${media}` : ''}>`;
  });
  return { html: withStyles, moved };
}

/** @returns {import('astro').AstroIntegration} */
export default function externalizeInlineCode() {
  let assets = { dir: '_astro', url: '/_astro/' };
  return {
    name: 'externalize-inline-code',
    hooks: {
      'astro:config:done': ({ config }) => {
        assets = assetsLocation(config);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        /** @type {Map<string, string>} */
        const files = new Map();
        /** @type {(content: string, ext: '.js' | '.css') => string} */
        const store = (content, ext) => {
          const name = `inline.${contentHash(content)}${ext}`;
          files.set(name, content);
          return `${assets.url}${name}`;
        };
        const { pages, count } = await rewritePages(root, async (html) => {
          const result = moveInlineCode(html, store);
          return { html: result.html, count: result.moved };
        });
        await mkdir(join(root, assets.dir), { recursive: true });
        for (const [name, content] of files) await writeFile(join(root, assets.dir, name), content);
        logger.info(`moved ${count} inline scripts and styles of ${pages} pages into ${files.size} files under ${assets.url}`);
      },
    },
  };
}
