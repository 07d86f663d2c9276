// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import svelte from '@astrojs/svelte';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import componentSurface from './integrations/component-surface.mjs';
import onnxruntimeWasm from './integrations/onnxruntime-wasm.mjs';
import rehypeFocusableFormulas from './integrations/rehype-focusable-formulas.mjs';
import rehypeHeadingAnchors from './integrations/rehype-heading-anchors.mjs';
import rehypeChapterSections from './integrations/rehype-chapter-sections.mjs';
import { transformersSessionChains, transformersSessionChainsEsbuild } from './integrations/transformers-session-chains.mjs';
import externalizeInlineCode from './integrations/externalize-inline-code.mjs';
import hydrateOnInteraction from './integrations/hydrate-on-interaction.mjs';
import bundlePageStyles from './integrations/bundle-page-styles.mjs';
import securityHeaders from './integrations/security-headers.mjs';
import { ISOLATION_HEADERS } from './integrations/security-policy.mjs';

/**
 * SITE_URL and BASE_PATH let the same source deploy at a domain root or under a sub-path
 * (GitHub Pages style: SITE_URL=https://user.github.io BASE_PATH=/repo/). Pages build every
 * link from import.meta.env.BASE_URL, so nothing else changes.
 */
const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  site: process.env.SITE_URL ?? 'http://127.0.0.1:4321',
  base,
  trailingSlash: 'ignore',
  output: 'static',
  // A second build (the base-path test) writes elsewhere so it never clobbers dist/.
  outDir: process.env.ASTRO_OUT_DIR ?? './dist',
  // componentSurface lets chapters import any component as ~/components/<Name>.
  // onnxruntimeWasm serves onnxruntime-web's .mjs/.wasm at <base>ort/ (no CDN). The last three
  // move Astro's inline scripts into files, join each page's style sheets into one file (fewer
  // render-blocking requests), and write the security policy (README, "Security and limits").
  // hydrateOnInteraction adds client:interaction (hydrate at the reader's first touch).
  integrations: [svelte(), mdx(), componentSurface(), onnxruntimeWasm(), hydrateOnInteraction(), externalizeInlineCode(), bundlePageStyles(), securityHeaders()],
  markdown: {
    remarkPlugins: [remarkMath],
    rehypePlugins: [rehypeKatex, rehypeFocusableFormulas, rehypeChapterSections, rehypeHeadingAnchors],
  },
  // Cross-origin isolation in development and preview too, so WASM runs threaded there as on a
  // host that sends dist/_headers.
  server: { headers: { ...ISOLATION_HEADERS } },
  build: {
    // Keep styles in files, not inline, so a strict Content-Security-Policy needs no exceptions.
    inlineStylesheets: 'never',
  },
  vite: {
    // The inference worker is a module worker (`new Worker(new URL(...), { type: 'module' })`).
    // transformersSessionChains: one failed model load must not fail every later one (see the file).
    worker: { format: 'es', plugins: () => [transformersSessionChains()] },
    // Found late (inside the worker), it would make the dev server reload the page mid-load.
    optimizeDeps: {
      include: ['@huggingface/transformers'],
      esbuildOptions: { plugins: [transformersSessionChainsEsbuild()] },
    },
    build: {
      // Same reason for scripts: never inline them as data URLs.
      assetsInlineLimit: 0,
    },
  },
});
