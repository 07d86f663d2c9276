/**
 * The one widget runtime (LiveSession, LiveGroup, Player) driven in Node over a real worker host
 * and the bundled models, as the long generation drives it: the precomputed example replayed
 * in one request per method, Play in chunks of one runTo request per method, a shorter length
 * and a new parameter one `open` request each, and every text equal to stepping the same spec.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { columnOf, generationRace, raceSpecs } from '../../src/components/widgets/cd-generation/generation.svelte';
import { DEFAULT_PARAMS, generationSpecs, METHODS, PRECOMPUTED_STEPS, type MethodKey } from '../../src/components/widgets/cd-generation/params';
import cdExample from '../../src/components/widgets/precomputed/cd-generation-cd.json';
import greedyExample from '../../src/components/widgets/precomputed/cd-generation-greedy.json';
import nucleusExample from '../../src/components/widgets/precomputed/cd-generation-nucleus.json';
import type { LiveGroup } from '../../src/components/widgets/shared/live-group.svelte';
import type { PrecomputedExample } from '../../src/components/widgets/shared/precomputed';
import type { SessionSpec } from '../../src/lib/runtime/protocol';
import { recordedRuntime, type RecordedRuntime } from './support/recorded-runtime';

const PRECOMPUTED = {
  greedy: greedyExample,
  nucleus: nucleusExample,
  cd: cdExample,
} as unknown as Record<MethodKey, PrecomputedExample>;

let recorded: RecordedRuntime;

beforeAll(async () => {
  recorded = await recordedRuntime(['amateur', 'expert']);
});

afterAll(() => recorded.close());

/** The tokens a spec gives when stepped one request at a time. */
async function stepped(spec: SessionSpec, count: number): Promise<number[]> {
  const handle = await recorded.runtime.client.open(spec);
  const tokens: number[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await handle.step();
    if (reply.kind !== 'step') break;
    tokens.push(...reply.tokens);
  }
  await handle.dispose();
  return tokens;
}

async function settled(group: LiveGroup, steps: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (group.playing || group.busy || group.members.some((m) => m.stepCount < steps && m.stop === null)) {
    if (Date.now() > deadline) throw new Error(`still at ${group.members.map((m) => m.stepCount).join('/')} steps`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const requestTypes = () => recorded.requests.map((r) => r.type);
const count = (type: string) => requestTypes().filter((t) => t === type).length;

it('plays the long generation to its length in chunks, shortens it and follows a new seed, one request per method each', async () => {
  const params = { ...DEFAULT_PARAMS, length: 24 };
  const specs = generationSpecs(params);
  const race = generationRace(specs, params.length, PRECOMPUTED, { runtime: () => recorded.runtime.client });
  // Before any model: the precomputed example, cut to nothing beyond the length.
  expect(race.precomputedShown).toBe(true);
  expect(race.members.map((m) => m.stepCount)).toEqual(METHODS.map(() => PRECOMPUTED_STEPS));

  recorded.requests.length = 0;
  await race.start();
  await settled(race, params.length);
  expect(race.status).toBe('ready');
  expect(race.precomputedShown).toBe(false);
  // One open per method replays the example shown; then 8 more tokens each, one runTo per method.
  expect(count('open')).toBe(3);
  expect(count('runTo')).toBe(3);
  expect(count('step')).toBe(0);
  for (const [i, { key }] of METHODS.entries()) {
    const column = columnOf(key, race.members[i]);
    expect(column.tokens, key).toEqual(await stepped(specs[key], params.length));
    expect(column.texts).toHaveLength(params.length);
  }
  // At the length Step is off; the group says nothing stopped (the length is not a stop).
  expect(race.canStep).toBe(false);
  expect(race.stop).toBeNull();

  recorded.requests.length = 0;
  await race.configure(raceSpecs(specs), 16);
  await settled(race, 16);
  expect(requestTypes().filter((t) => t !== 'step' && t !== 'dispose')).toEqual(['open', 'open', 'open']);
  for (const [i, { key }] of METHODS.entries()) expect(race.members[i].steps.flatMap((s) => s.tokens)).toEqual(await stepped(specs[key], 16));

  // Back to 24 plays on; a new seed reopens only the nucleus session and plays it on to the length.
  await race.configure(raceSpecs(specs), 24);
  await settled(race, 24);
  recorded.requests.length = 0;
  const reseeded = generationSpecs({ ...params, seed: params.seed + 1 });
  await race.configure(raceSpecs(reseeded));
  await settled(race, 24);
  expect(count('open')).toBe(1);
  const nucleus = race.members[METHODS.findIndex((m) => m.key === 'nucleus')];
  expect(nucleus.steps.flatMap((s) => s.tokens)).toEqual(await stepped(reseeded.nucleus, 24));
  expect(race.members.map((m) => m.stepCount)).toEqual([24, 24, 24]);

  await race.release();
  // Nothing left behind: no session, and the models back to the one load this test made itself.
  const stats = await recorded.runtime.client.stats();
  expect(stats.sessions).toBe(0);
  expect(stats.models.map((m) => [m.model, m.references]).sort()).toEqual([
    ['amateur', 1],
    ['expert', 1],
  ]);
});
