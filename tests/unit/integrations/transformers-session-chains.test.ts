/**
 * The build patch that keeps one failed model load or run from failing every later one in the
 * worker (integrations/transformers-session-chains.mjs) still finds its two places in the
 * installed transformers.js, and refuses code where they are gone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchSessionChains } from '../../../integrations/transformers-session-chains.mjs';

const require = createRequire(import.meta.url);
// Node resolves the package to its dist/ folder; the browser build sits beside the Node one.
const browserBuild = join(dirname(require.resolve('@huggingface/transformers')), 'transformers.web.js');

describe('patchSessionChains', () => {
  it('chains the next session creation and run after a failure too, in the installed browser build', () => {
    const patched = patchSessionChains(readFileSync(browserBuild, 'utf8'));
    expect(patched).toContain('webInitChain = webInitChain.then(load, load)');
    expect(patched).toContain('webInferenceChain = webInferenceChain.then(run, run)');
    expect(patched).not.toContain('webInitChain.then(load)');
  });

  it('fails loudly when the code it patches is not there', () => {
    expect(() => patchSessionChains('const unrelated = 1;')).toThrow(/expected "webInitChain = webInitChain.then\(load\)" once/);
  });
});
