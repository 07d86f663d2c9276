/**
 * Every committed precomputed example is what the bundled models really give: recomputed here
 * through the worker's session builder and compared with the file, trace for trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeExample } from '../../scripts/precompute-lib';
import { EXAMPLES } from '../../src/components/widgets/examples';

const DIR = join(import.meta.dirname, '..', '..', 'src', 'components', 'widgets', 'precomputed');

describe('precomputed examples', () => {
  it('every example id is unique', () => {
    const ids = EXAMPLES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const definition of EXAMPLES) {
    it(`${definition.id} matches a fresh run of the bundled models (npm run precompute rewrites it)`, async () => {
      const file = join(DIR, `${definition.id}.json`);
      expect(existsSync(file), `${file} is missing: run npm run precompute`).toBe(true);
      const committed = JSON.parse(readFileSync(file, 'utf8'));
      const fresh = await computeExample(definition);
      expect(committed.spec).toEqual(definition.spec);
      expect(committed.steps.length).toBe(definition.steps);
      expect(committed).toEqual(fresh);
    });
  }
});
