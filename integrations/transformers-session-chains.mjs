// @ts-check
/**
 * Keeps one failed model load (or model run) from breaking every later one in the worker.
 *
 * transformers.js' browser build (4.3.x) runs session creation and inference one at a time
 * through module-level promise chains:
 *   webInitChain = webInitChain.then(load)      webInferenceChain = webInferenceChain.then(run)
 * When one `load` rejects (a corrupt or truncated .onnx file, a failed WebGPU device), the chain
 * stays rejected, `then(load)` never calls the next `load`, and every later model in the worker
 * fails with the first model's error, whatever its files (seen here: a corrupt model, then a good
 * one: "protobuf parsing failed" for both; reported upstream in huggingface/transformers.js#1635).
 * Chaining with `then(load, load)` runs the next call after a failure too, and each caller still
 * gets its own result.
 *
 * Applied to the bundle when Vite builds the worker (and when the dev server pre-bundles the
 * package). If the code is not found the build fails, so an upgrade cannot drop the fix silently:
 * check whether upstream fixed it, then update or remove this file.
 */

/** The two chained calls, and what they become. */
const PATCHES = [
  ['webInitChain = webInitChain.then(load)', 'webInitChain = webInitChain.then(load, load)'],
  ['webInferenceChain = webInferenceChain.then(run)', 'webInferenceChain = webInferenceChain.then(run, run)'],
];

/** The browser build of transformers.js, the file Vite resolves for the worker. */
const TARGET = /@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.web\.js$/;

/**
 * Returns `code` with both chains patched; throws when either is missing.
 * @param {string} code
 */
export function patchSessionChains(code) {
  let patched = code;
  for (const [from, to] of PATCHES) {
    const count = patched.split(from).length - 1;
    if (count !== 1) {
      throw new Error(
        `transformers-session-chains: expected "${from}" once in @huggingface/transformers' browser build, found it ${count} times. ` +
          'The package changed: check whether its session chains still break after a failure, then update integrations/transformers-session-chains.mjs.',
      );
    }
    patched = patched.replace(from, to);
  }
  return patched;
}

/**
 * The Vite plugin (for the worker's own build: vite.worker.plugins).
 * @returns {import('vite').Plugin}
 */
export function transformersSessionChains() {
  return {
    name: 'transformers-session-chains',
    enforce: 'pre',
    transform(code, id) {
      if (!TARGET.test(id.split('?')[0])) return null;
      return { code: patchSessionChains(code), map: null };
    },
  };
}

/**
 * The same patch for the dev server's dependency pre-bundling (esbuild).
 * @returns {import('esbuild').Plugin}
 */
export function transformersSessionChainsEsbuild() {
  return {
    name: 'transformers-session-chains',
    setup(build) {
      build.onLoad({ filter: TARGET }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        return { contents: patchSessionChains(await readFile(args.path, 'utf8')), loader: 'js' };
      });
    },
  };
}
