/**
 * Chapters import components from one surface, `~/components/<Name>`: every import in an MDX
 * chapter goes through it and names a component that exists; names are unique, or the build fails.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { componentFiles, SURFACE } from '../../../integrations/component-surface.mjs';

const CHAPTERS = join(import.meta.dirname, '..', '..', '..', 'content', 'explainers');

const importsOf = (source: string): string[] => [...source.matchAll(/^import\s.+?\sfrom\s+'([^']+)';?$/gm)].map((m) => m[1]);

it('every chapter imports its components from ~/components/<Name>, and each name is a component file', () => {
  const files = componentFiles();
  const chapters = readdirSync(CHAPTERS).filter((f) => f.endsWith('.mdx'));
  expect(chapters.length).toBeGreaterThan(5);
  let imports = 0;
  for (const chapter of chapters) {
    for (const specifier of importsOf(readFileSync(join(CHAPTERS, chapter), 'utf8'))) {
      imports++;
      expect(specifier.startsWith(SURFACE), `${chapter}: ${specifier}`).toBe(true);
      const name = specifier.slice(SURFACE.length);
      expect(files.has(name), `${chapter}: no component named ${name}`).toBe(true);
      expect(basename(files.get(name)!)).toMatch(new RegExp(`^${name}\\.(svelte|astro)$`));
    }
  }
  expect(imports).toBeGreaterThan(20);
});

it('two components with one name fail with a message naming both files', () => {
  const root = mkdtempSync(join(tmpdir(), 'surface-'));
  try {
    for (const folder of ['a', 'b']) {
      mkdirSync(join(root, folder));
      writeFileSync(join(root, folder, 'Same.svelte'), '<p></p>');
    }
    expect(() => componentFiles(root)).toThrow(/Two components are named Same \(.*a\/Same\.svelte and .*b\/Same\.svelte\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
