/**
 * "Builds the site if needed": the benchmark's own build folder is rebuilt when it is missing or
 * older than any source it is built from (a plain mtime check against a stamp file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'content', 'public', 'integrations', 'astro.config.mjs', 'svelte.config.js', 'tsconfig.json', 'package.json', 'package-lock.json'];
const STAMP = '.bench-build-stamp';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Returns whether it built. Throws when the build fails. */
export function ensureBuilt(root: string, outDir: string, log: (line: string) => void): boolean {
  const stamp = join(outDir, STAMP);
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) {
    log(`site: ${outDir} is up to date`);
    return false;
  }
  log(`site: building into ${outDir} (astro build)`);
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ASTRO_OUT_DIR: outDir };
  // The benchmark serves the site at the root of its own server.
  delete env.BASE_PATH;
  delete env.SITE_URL;
  // One retry: a build running at the same time in the same checkout can race on .astro/.
  for (let attempt = 1; ; attempt++) {
    const built = spawnSync('npx', ['astro', 'build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status === 0) break;
    if (attempt === 2) throw new Error(`astro build failed with exit code ${String(built.status)}`);
    log('site: the build failed; retrying once');
  }
  writeFileSync(stamp, new Date().toISOString() + '\n');
  return true;
}
