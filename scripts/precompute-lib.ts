/**
 * Steps a widget's default example with the bundled models (or others) in Node, through the worker's own
 * session builder, and records it as a PrecomputedExample. Used by scripts/precompute.ts (which
 * writes the files) and by the test that checks the committed files still match.
 */
import { join } from 'node:path';
import type { ExampleDefinition, PrecomputedExample } from '../src/components/widgets/shared/precomputed';
import { loadBundledModel, type LoadedModel } from '../src/lib/runtime/model';
import { modelsOf, type StepMessage } from '../src/lib/runtime/protocol';
import { findModel, type ModelEntry } from '../src/lib/runtime/registry';
import type { LensOutcome } from '../src/lib/runtime/worker/lens-fetch';
import type { LoadedRegistryModel } from '../src/lib/runtime/worker/loader';
import { openSession } from '../src/lib/runtime/worker/open-session';
import { toMessage } from '../src/lib/runtime/worker/step-message';

const MODELS_DIR = join(import.meta.dirname, '..', 'public', 'models');

const cache = new Map<string, Promise<LoadedRegistryModel>>();

/** A model loaded in Node, described as the worker describes the models it loads. */
export function inNode(loaded: LoadedModel, entry: ModelEntry, lens: LensOutcome | null = null): LoadedRegistryModel {
  return { ...loaded, entry, device: { device: 'cpu' as const, reason: 'precomputed in Node' }, lens, bytes: 0, loadMs: 0, warmupMs: 0, phases: { runtimeMs: null, weightsMs: 0, sessionMs: 0 } };
}

function bundled(id: string): Promise<LoadedRegistryModel> {
  let pending = cache.get(id);
  if (!pending) {
    const entry = findModel(id);
    if (!entry || entry.source.kind !== 'bundled') throw new Error(`precomputed examples use bundled models only, not "${id}"`);
    pending = loadBundledModel(entry.source.folder, { localModelPath: MODELS_DIR }).then((loaded) => inNode(loaded, entry));
    cache.set(id, pending);
  }
  return pending;
}

/** Every token id a trace mentions, under keys such as token, tokens, draftTokens, promptIds. */
function collectTokenIds(value: unknown, key: string, into: Set<number>): void {
  const isTokenKey = /(^|[a-z])(token|tokens|Token|Tokens|Ids)$/.test(key);
  if (typeof value === 'number' && isTokenKey && Number.isInteger(value)) into.add(value);
  else if (Array.isArray(value)) value.forEach((item) => collectTokenIds(item, isTokenKey ? key : '', into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectTokenIds(v, k, into);
  }
}

/** `load` gives the models the spec names; by default the bundled ones from public/models. */
export async function computeExample(
  definition: ExampleDefinition,
  load: (id: string) => Promise<LoadedRegistryModel> = bundled,
): Promise<PrecomputedExample> {
  const models = new Map<string, LoadedRegistryModel>();
  for (const id of modelsOf(definition.spec)) models.set(id, await load(id));
  const { session, opened } = openSession(definition.spec, (id) => models.get(id)!);
  const steps: StepMessage[] = [];
  for (let i = 0; i < definition.steps; i++) {
    const outcome = await session.step();
    if (outcome.kind !== 'step') break;
    const timing = Object.fromEntries(Object.keys(outcome.timing).map((role) => [role, 0]));
    steps.push(toMessage({ ...outcome, timing }, session.nextStop));
  }
  const ids = new Set<number>(opened.promptIds);
  collectTokenIds(steps, '', ids);
  const first = models.get(modelsOf(definition.spec)[0])!;
  const tokenText: Record<number, string> = {};
  for (const id of [...ids].sort((a, b) => a - b)) tokenText[id] = first.decode([id]);
  // A JSON round-trip, so the object equals what the committed file gives back.
  return JSON.parse(JSON.stringify({ id: definition.id, spec: definition.spec, steps, promptIds: opened.promptIds, tokenText })) as PrecomputedExample;
}
