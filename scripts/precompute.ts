/**
 * npm run precompute [-- id ...]: writes src/components/widgets/precomputed/<id>.json for every
 * example in src/components/widgets/examples.ts (or only the ids given). Run it after changing an
 * example or the bundled models.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES } from '../src/components/widgets/examples';
import { computeExample } from './precompute-lib';

const OUT = join(import.meta.dirname, '..', 'src', 'components', 'widgets', 'precomputed');

const only = process.argv.slice(2);
for (const definition of EXAMPLES.filter((e) => only.length === 0 || only.includes(e.id))) {
  const example = await computeExample(definition);
  writeFileSync(join(OUT, `${definition.id}.json`), `${JSON.stringify(example)}\n`);
  console.log(`${definition.id}: ${example.steps.length} steps`);
}
