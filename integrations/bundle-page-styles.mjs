// @ts-check
/**
 * Joins the style sheets a built page links in its <head> into one file, in the same order.
 *
 * Astro emits one style sheet per component, and a chapter page links all of them (28 on a chapter:
 * the route renders every chapter, so it carries every widget's styles). `build.inlineStylesheets`
 * cannot inline them, since the Content-Security-Policy allows no inline style; so each is a
 * render-blocking request, and on a slow mobile connection (Lighthouse's) those round trips held
 * the first paint back by about half a second. One file per distinct list keeps the cascade
 * exactly (concatenation in link order is what the browser applies) and is shared by every page
 * with the same list. The bundle sits beside its parts in <base>_astro/, so their relative url()s
 * (KaTeX's fonts) still resolve. Links with a media attribute, and any outside <head>, are left alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetsLocation, contentHash, rewritePages } from './built-pages.mjs';

const STYLESHEET_LINK = /<link\s+rel="stylesheet"\s+href="([^"]+)"\s*\/?>/g;

/**
 * Rewrites one page's <head>; `bundle(hrefs)` returns the URL of the joined file.
 * @param {string} html
 * @param {(hrefs: string[]) => Promise<string>} bundle
 * @returns {Promise<{ html: string, joined: number }>}
 */
export async function bundleHeadStyles(html, bundle) {
  const headEnd = html.indexOf('</head>');
  if (headEnd < 0) return { html, joined: 0 };
  const head = html.slice(0, headEnd);
  const hrefs = [...head.matchAll(STYLESHEET_LINK)].map((m) => m[1]);
  if (hrefs.length < 2) return { html, joined: 0 };
  const url = await bundle(hrefs);
  let first = true;
  const newHead = head.replace(STYLESHEET_LINK, () => {
    const replacement = first ? `<link rel="stylesheet" href="${url}">` : '';
    first = false;
    return replacement;
  });
  return { html: newHead + html.slice(headEnd), joined: hrefs.length };
}

/** @returns {import('astro').AstroIntegration} */
export default function bundlePageStyles() {
  let assets = { dir: '_astro', url: '/_astro/' };
  return {
    name: 'bundle-page-styles',
    hooks: {
      'astro:config:done': ({ config }) => {
        assets = assetsLocation(config);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        /** @type {Map<string, string>} one bundle per distinct list of links */
        const bundles = new Map();
        /** @param {string[]} hrefs */
        const bundle = async (hrefs) => {
          const key = hrefs.join('\n');
          const known = bundles.get(key);
          if (known) return known;
          const parts = await Promise.all(
            hrefs.map((href) => {
              if (!href.startsWith(assets.url)) throw new Error(`bundle-page-styles: ${href} is not under ${assets.url}`);
              return readFile(join(root, assets.dir, href.slice(assets.url.length)), 'utf8');
            }),
          );
          const css = parts.join('\n');
          const name = `styles.${contentHash(css)}.css`;
          await writeFile(join(root, assets.dir, name), css);
          const url = `${assets.url}${name}`;
          bundles.set(key, url);
          return url;
        };
        const { pages, count } = await rewritePages(root, async (html) => {
          const result = await bundleHeadStyles(html, bundle);
          return { html: result.html, count: result.joined };
        });
        logger.info(`joined ${count} style sheet links of ${pages} pages into ${bundles.size} files`);
      },
    },
  };
}
