/**
 * The import rules of ARCHITECTURE.md, checked on the source: only the worker side of
 * src/lib/runtime imports the model runtime, components never reach sessions or the worker, and
 * each library layer imports only layers below it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE = /\.(ts|svelte|astro|mjs|mdx)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : SOURCE.test(name) ? [relative(ROOT, full)] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [...text.matchAll(/(?:import|export)[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g)];
  return found.map((m) => m[1] ?? m[2] ?? m[3]);
}

const all = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'content'))];
const WORKER_SIDE = /^src\/lib\/runtime\/(worker\.ts|worker\/|model\/)/;

describe('import rules', () => {
  it('finds the source files it checks', () => {
    expect(all.length).toBeGreaterThan(40);
    expect(all).toContain('src/lib/runtime/worker.ts');
  });

  it('only the worker side of src/lib/runtime imports @huggingface/transformers or onnxruntime', () => {
    const offenders = all.filter(
      (file) => !WORKER_SIDE.test(file) && imports(file).some((spec) => /^@huggingface\/transformers|^onnxruntime/.test(spec)),
    );
    expect(offenders).toEqual([]);
  });

  it('pages, layouts, components and content reach models only through the client', () => {
    const ui = all.filter((file) => /^(src\/(components|pages|layouts)|content)\//.test(file));
    const offenders = ui.filter((file) =>
      imports(file).some((spec) => /lib\/sessions|lib\/runtime\/(worker|model)/.test(spec)),
    );
    expect(offenders).toEqual([]);
  });

  it('the client side of the runtime (client, protocol, registry, errors) never imports the worker side', () => {
    const clientSide = all.filter((file) => file.startsWith('src/lib/runtime/') && !WORKER_SIDE.test(file));
    const offenders = clientSide.filter((file) =>
      imports(file).some((spec) => /^\.\/(worker\/|model\/)/.test(spec)),
    );
    expect(offenders).toEqual([]);
  });

  it('sessions import only the decoding core, and the core imports nothing of ours', () => {
    const sessions = all.filter((file) => file.startsWith('src/lib/sessions/'));
    expect(sessions.filter((file) => imports(file).some((spec) => spec.startsWith('../') && !spec.startsWith('../decoding')))).toEqual([]);
    const core = all.filter((file) => file.startsWith('src/lib/decoding/'));
    const leavesCore = (file: string, spec: string): boolean =>
      !spec.startsWith('.') || !relative(ROOT, join(ROOT, dirname(file), spec)).startsWith('src/lib/decoding');
    expect(core.filter((file) => imports(file).some((spec) => leavesCore(file, spec)))).toEqual([]);
  });
});
