/**
 * A parameter change is one request: `open` with `replaces` disposes the old session in the
 * worker, opens the new one and replays it to the same step, and replies once with every step.
 * The replayed steps are exactly what stepping the same spec one request at a time gives.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isRuntimeError } from '../../src/lib/runtime/errors';
import type { SessionSpec, StepMessage } from '../../src/lib/runtime/protocol';
import { ENDS_SOON_PROMPT_TEXT, PROMPT_TEXT } from './support/bundled-models';
import { recordedRuntime, type RecordedRuntime } from './support/recorded-runtime';

let recorded: RecordedRuntime;
let runtime: RecordedRuntime['runtime'];
let requests: RecordedRuntime['requests'];
let responses: RecordedRuntime['responses'];

beforeAll(async () => {
  recorded = await recordedRuntime(['amateur', 'expert']);
  ({ runtime, requests, responses } = recorded);
});

afterAll(() => recorded.close());

const sampling = (temperature: number): SessionSpec => ({
  method: 'sampling',
  model: 'expert',
  prompt: PROMPT_TEXT,
  sampling: { temperature, topP: 0.9 },
  seed: 11,
  topN: 5,
});

/** What a step shows a reader: its tokens and trace (timings differ run to run). */
const shown = (steps: StepMessage[]) => steps.map((s) => ({ index: s.index, tokens: s.tokens, trace: s.trace, stopsHere: s.stopsHere }));

async function stepByStep(spec: SessionSpec, count: number): Promise<StepMessage[]> {
  const handle = await runtime.client.open(spec);
  const steps: StepMessage[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await handle.step();
    if (reply.kind !== 'step') break;
    steps.push(reply);
    if (reply.stopsHere) break;
  }
  await handle.dispose();
  return steps;
}

it('a parameter change replaces the session and replays it in one request and one reply', async () => {
  const before = await runtime.client.open(sampling(1));
  for (let i = 0; i < 6; i++) await before.step();
  const sessionsBefore = (await runtime.client.stats()).sessions;

  requests.length = 0;
  responses.length = 0;
  const after = await runtime.client.open(sampling(0.7), { replaces: before, replaySteps: 6 });
  expect(requests.map((m) => m.type)).toEqual(['open']);
  expect(responses.map((m) => m.type)).toEqual(['result']);

  expect(after.replayed.steps).toHaveLength(6);
  expect(after.replayed.stop).toBeNull();
  expect(shown(after.replayed.steps)).toEqual(shown(await stepByStep(sampling(0.7), 6)));
  for (const step of after.replayed.steps) expect(step.profile?.forwardCalls).toBe(1);

  // The old session is gone in the worker, and the new one goes on from where the replay ended.
  expect((await runtime.client.stats()).sessions).toBe(sessionsBefore);
  const error = await before.step().catch((e: unknown) => e);
  expect(isRuntimeError(error, 'unknown-handle')).toBe(true);
  const next = await after.step();
  expect(next.kind === 'step' && next.index).toBe(7);
  await after.dispose();
});

it('a replay ends early at a stop and says which', async () => {
  const greedy: SessionSpec = { method: 'sampling', model: 'expert', prompt: ENDS_SOON_PROMPT_TEXT, sampling: { temperature: 0 }, seed: 0, topN: 3 };
  const handle = await runtime.client.open(greedy, { replaySteps: 40 });
  // The expert's greedy continuation of this prompt ends with end-of-sequence at its seventh step.
  expect(handle.replayed.steps).toHaveLength(7);
  expect(handle.replayed.stop).not.toBeNull();
  expect(handle.replayed.stop).toEqual(handle.replayed.steps.at(-1)?.stopsHere);
  await handle.dispose();
});

it('open without a replay replies with no steps, and a bad replay count is refused', async () => {
  const plain = await runtime.client.open(sampling(1));
  expect(plain.replayed).toEqual({ steps: [], stop: null });
  await plain.dispose();
  for (const replaySteps of [-1, 1.5, Number.NaN]) {
    const error = await runtime.client.open(sampling(1), { replaySteps }).catch((e: unknown) => e);
    expect(isRuntimeError(error, 'invalid-request')).toBe(true);
  }
});
