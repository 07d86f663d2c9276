/**
 * A speculative round crosses the page-worker boundary once: one `step` request, one reply, with
 * the gamma draft steps, the verification pass and the acceptance all done in the worker; and a
 * run of rounds sends one trace per round. The step's profile counts the forward passes inside it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StepMessage } from '../../src/lib/runtime/protocol';
import { PROMPT_TEXT } from './support/bundled-models';
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

const GAMMA = 4;
const spec = { method: 'speculative', target: 'expert', draft: 'amateur', prompt: PROMPT_TEXT, gamma: GAMMA, sampling: { temperature: 1 }, seed: 5, stopAtEos: false } as const;

it('one step request and one reply per round, the profile counting gamma draft passes and one verification', async () => {
  const session = await runtime.client.open(spec);
  await session.step(); // the first round reads the prompt
  requests.length = 0;
  responses.length = 0;
  const reply = await session.step();
  if (reply.kind !== 'step') throw new Error(reply.message);
  expect(requests.map((m) => m.type)).toEqual(['step']);
  expect(responses.map((m) => m.type)).toEqual(['result']);
  const trace = reply.trace as { gamma: number; accepted: number };
  expect(trace.gamma).toBe(GAMMA);
  expect(reply.tokens.length).toBe(Math.min(trace.accepted + 1, GAMMA + 1));
  expect(reply.profile?.forwardCalls).toBe(GAMMA + 1);
  expect(reply.profile?.workerMs).toBeGreaterThan(0);
  await session.dispose();
});

it('a run sends one trace per round and one result', async () => {
  const session = await runtime.client.open(spec);
  requests.length = 0;
  responses.length = 0;
  const traced: StepMessage[] = [];
  const run = await session.runTo(24, { onStep: (step) => traced.push(step) });
  expect(requests.map((m) => m.type)).toEqual(['runTo']);
  expect(responses.filter((m) => m.type === 'trace')).toHaveLength(run.steps);
  expect(responses.filter((m) => m.type === 'result')).toHaveLength(1);
  expect(traced.reduce((sum, step) => sum + step.tokens.length, 0)).toBeGreaterThanOrEqual(24);
  for (const step of traced) expect(step.profile?.forwardCalls).toBeGreaterThanOrEqual(2);
  await session.dispose();
});
