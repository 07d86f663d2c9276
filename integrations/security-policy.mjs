// @ts-check
/**
 * The site's Content-Security-Policy and the other response headers a static host should send,
 * written down once. integrations/security-headers.mjs puts them into every build (dist/_headers,
 * and a <meta> copy of the policy in every page); the security-policy e2e test serves the build
 * with them; README shows them (a unit test keeps README in step).
 *
 * What the site needs, and nothing else:
 * - scripts: its own files only. Astro's inline island scripts are moved into files at build time
 *   (integrations/externalize-inline-code.mjs), so no inline script, eval or hash is allowed.
 * - WebAssembly: onnxruntime-web compiles its own .wasm (served at <base>ort/) in the model worker,
 *   which needs 'wasm-unsafe-eval' (it allows compiling WebAssembly, not JavaScript eval).
 * - the model worker: a module worker from the site's own origin.
 * - fetch: the site's own models and, only when a reader opts in to a Hub model, the Hub.
 * - styles: the site's own style sheets, Plot's fixed <style> elements by hash, and style
 *   attributes (see below why).
 */

/**
 * Where opted-in Hub models are fetched from: the Hub's resolve URLs (the worker's HUB_HOST) and
 * the hosts the Hub redirects large files to. Those are LFS, Xet and CDN hosts under hf.co whose
 * names Hugging Face has changed more than once (cdn-lfs.huggingface.co, cdn-lfs-us-1.hf.co,
 * cas-bridge.xethub.hf.co, us.aws.cdn.hf.co, ...; https://huggingface.co/.well-known/meta.json lists
 * today's), so the policy allows the domain rather than a list that silently breaks downloads.
 * A blocked redirect looks like a cancelled fetch, with no message, which is why this matters.
 */
export const HUB_CONNECT_SOURCES = /** @type {const} */ (['https://huggingface.co', 'https://*.hf.co']);

/**
 * Observable Plot puts one small fixed <style> element into every chart and legend it draws
 * (`:where(.plot-d6a7b5) { display: block; max-width: 100%; ... }`). These are the SHA-256 hashes
 * of the three texts @observablehq/plot 0.6.17 writes: a chart, a swatches legend, a ramp legend.
 * A new Plot version that changes them makes the security-policy e2e test fail, and the
 * browser's console message names the new hash.
 */
export const PLOT_STYLE_HASHES = /** @type {const} */ ([
  "'sha256-jSYQUrW7J0b3jPqhZP9C2Xh1PyJKHKXd4s0fpGGKrww='",
  "'sha256-rCZUQsEQJf1DmnfnMZmlj08XC7qbIZySA6bEtitbQ00='",
  "'sha256-/jg3HOQ97BIOLIR7iXhepLJanBbw11P39q1Ne1E+6Jc='",
]);

/** @type {Readonly<Record<string, readonly string[]>>} */
export const POLICY_DIRECTIVES = {
  'default-src': ["'none'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'", ...HUB_CONNECT_SOURCES],
  // Style sheets: the site's own files and Plot's fixed <style> texts (by hash), nothing else inline.
  'style-src': ["'self'", ...PLOT_STYLE_HASHES],
  // style="..." attributes in the built pages: KaTeX writes hundreds (sizes and offsets that differ
  // per formula), and a chapter's aside has one. Hashing each is impractical, and an attribute can
  // do little: it cannot run script, and img-src/font-src keep it from loading anything from
  // elsewhere. (Styles that scripts set through element.style, as Svelte and Plot do, are not
  // governed by a policy at all.) Browsers before style-src-attr (Safari < 15.4, Firefox < 108)
  // apply style-src to attributes instead and would drop those styles.
  'style-src-attr': ["'unsafe-inline'"],
  // data: for Plot's colour-ramp legend, which it draws on a canvas and shows as a data: image.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Directives a browser ignores (with a console error) when the policy comes in a <meta> element. */
export const HEADER_ONLY_DIRECTIVES = /** @type {const} */ (['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/**
 * @param {Readonly<Record<string, readonly string[]>>} directives
 * @returns {string}
 */
function serialize(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** The policy as an HTTP header value. */
export const CONTENT_SECURITY_POLICY = serialize(POLICY_DIRECTIVES);

/** The same policy for a <meta http-equiv> element: without the directives meta cannot carry. */
export const META_CONTENT_SECURITY_POLICY = serialize(
  Object.fromEntries(
    Object.entries(POLICY_DIRECTIVES).filter(([name]) => !(/** @type {readonly string[]} */ (HEADER_ONLY_DIRECTIVES)).includes(name)),
  ),
);

/**
 * Cross-origin isolation. With both headers the browser lets the page share memory with worker
 * threads (SharedArrayBuffer), which onnxruntime-web needs to run WASM on several threads; without
 * them it runs one (src/lib/runtime/worker/wasm-threads.ts). require-corp refuses cross-origin
 * resources that do not opt in: the site loads none, and the Hub answers with CORS headers, which
 * count as opting in. `astro dev` and `astro preview` send these too (astro.config.mjs).
 */
export const ISOLATION_HEADERS = /** @type {const} */ ({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** Every header a static host should send with every file of the site. */
export const STATIC_HOST_HEADERS = /** @type {const} */ ({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  ...ISOLATION_HEADERS,
  // Scripts and styles are only ever run with their declared type (.mjs must be served as JavaScript).
  'X-Content-Type-Options': 'nosniff',
  // The site links out and fetches from the Hub; none of them needs to know which page asked.
  'Referrer-Policy': 'no-referrer',
});

/**
 * The `_headers` file read by Netlify and Cloudflare Pages (one rule for every path; header lines
 * are indented under it).
 * @returns {string}
 */
export function headersFile() {
  const lines = Object.entries(STATIC_HOST_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return ['# Generated at build time from integrations/security-policy.mjs; see README, "Security and limits".', '/*', ...lines, ''].join('\n');
}
