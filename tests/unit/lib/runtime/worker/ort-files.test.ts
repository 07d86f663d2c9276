/**
 * The worker hard-codes where onnxruntime-web's files are (it cannot import the integration, which
 * uses node:fs); this keeps both lists the same, and checks that the files exist to be served.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORT_DIR as INTEGRATION_DIR, ORT_FILES } from '../../../../../integrations/onnxruntime-wasm.mjs';
import { ORT_BUILDS, ORT_DIR } from '../../../../../src/lib/runtime/worker/ort-files';

describe('onnxruntime-web files served by the site', () => {
  it('the worker and the integration name the same folder and files', () => {
    expect(ORT_DIR).toBe(INTEGRATION_DIR);
    const named = Object.values(ORT_BUILDS).flatMap((build) => [build.mjs, build.wasm]);
    expect(named.sort()).toEqual([...ORT_FILES].sort());
  });

  it('the installed onnxruntime-web has them', () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve(`onnxruntime-web/${ORT_BUILDS.wasm.wasm}`, { paths: [dirname(require.resolve('@huggingface/transformers'))] }));
    for (const file of ORT_FILES) expect(existsSync(join(dist, file))).toBe(true);
  });
});
