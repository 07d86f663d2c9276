/**
 * One import surface for the chapters: `import Dola from '~/components/Dola'` names any
 * component under src/components by its file name, wherever its folder is, so MDX never
 * imports by deep relative paths and a component can move without touching a chapter.
 *
 * Each name is a Vite alias to one file (not a barrel module): a page that hydrates one widget
 * then bundles that widget alone, and Astro components never enter a client bundle. Two files
 * with the same name would make the name ambiguous, so that fails the build.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SURFACE = '~/components/';
const COMPONENT_FILE = /\.(svelte|astro)$/;

/** Name -> absolute file of every component under `root`. */
export function componentFiles(root = fileURLToPath(new URL('../src/components/', import.meta.url))) {
  /** @type {Map<string, string>} */
  const files = new Map();
  const walk = (/** @type {string} */ dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (COMPONENT_FILE.test(entry.name)) {
        const name = basename(entry.name, extname(entry.name));
        const other = files.get(name);
        if (other) throw new Error(`Two components are named ${name} (${other} and ${path}); ${SURFACE}${name} must name one. Rename one of them.`);
        files.set(name, path);
      }
    }
  };
  walk(root);
  return files;
}

export default function componentSurface() {
  return {
    name: 'component-surface',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        const alias = [...componentFiles()].map(([name, file]) => ({ find: `${SURFACE}${name}`, replacement: file }));
        updateConfig({ vite: { resolve: { alias } } });
      },
    },
  };
}
