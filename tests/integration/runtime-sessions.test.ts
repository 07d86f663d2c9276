/**
 * Every session through the client and the worker host (a real MessageChannel, the bundled
 * models on onnxruntime-node): the same answers as the sessions called directly, step / back /
 * reset / runTo, cancellation, and the errors a page can cause.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionHandle } from '../../src/lib/runtime/client';
import { isRuntimeError } from '../../src/lib/runtime/errors';
import type { SessionSpec, StepMessage, StepReply } from '../../src/lib/runtime/protocol';
import { generationRoom } from '../../src/lib/runtime/worker/open-session';
import { SamplingSession } from '../../src/lib/sessions';
import { ENDS_SOON_PROMPT_TEXT, loadModel, PROMPT_TEXT } from './support/bundled-models';
import { startModelServer, type ModelServer } from './support/model-server';
import { connectRuntime, type RuntimePair } from './support/runtime-pair';

let server: ModelServer;
let runtime: RuntimePair;
let cacheDir: string;

beforeAll(async () => {
  server = await startModelServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'runtime-sessions-'));
  runtime = connectRuntime({
    bundledBaseUrl: `${server.origin}/models/`,
    hubHost: `${server.origin}/`,
    useBrowserCache: false,
    nodeCacheDir: cacheDir,
  });
  for (const model of ['amateur', 'expert', 'expert-early']) await runtime.client.load(model);
});

afterAll(async () => {
  runtime.close();
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

function asStep(reply: StepReply): StepMessage {
  if (reply.kind !== 'step') throw new Error(`expected a step, got a stop: ${reply.message}`);
  return reply;
}

async function steps(session: SessionHandle, count: number): Promise<StepMessage[]> {
  const out: StepMessage[] = [];
  for (let i = 0; i < count; i++) out.push(asStep(await session.step()));
  return out;
}

const SPECS: SessionSpec[] = [
  { method: 'sampling', model: 'expert', prompt: PROMPT_TEXT, sampling: { temperature: 0.8, topP: 0.9, topK: 40 }, seed: 3 },
  { method: 'beam', model: 'expert', prompt: PROMPT_TEXT, numBeams: 3, maxNewTokens: 8 },
  { method: 'contrastive', expert: 'expert', amateur: 'amateur', prompt: PROMPT_TEXT, contrastive: { variant: 'li2022' } },
  { method: 'contrastive', expert: 'expert', amateur: 'expert-early', prompt: PROMPT_TEXT, contrastive: { variant: 'obrien2023' } },
  { method: 'dola', model: 'expert', prompt: PROMPT_TEXT, layers: 'high', divergence: 'jsd' },
  { method: 'speculative', target: 'expert', draft: 'amateur', prompt: PROMPT_TEXT, gamma: 4, sampling: { temperature: 1 }, seed: 5 },
];

describe('every method through the client', () => {
  for (const spec of SPECS) {
    it(`${spec.method}${spec.method === 'contrastive' ? ` (${spec.contrastive.variant})` : ''}: steps, goes back and reproduces the same step`, async () => {
      const session = await runtime.client.open(spec);
      expect(session.opened.cutTokens).toBe(0);
      const [first, second] = await steps(session, 2);
      expect(first.index).toBe(1);
      expect(second.index).toBe(2);
      expect(second.tokens.length).toBeGreaterThan(0);
      expect(typeof second.text).toBe('string');
      expect(await session.back()).toEqual({ undone: true, stepCount: 1 });
      const again = asStep(await session.step());
      expect(again.tokens).toEqual(second.tokens);
      expect(again.trace).toEqual(second.trace);
      expect(await session.reset()).toEqual({ stepCount: 0 });
      expect(asStep(await session.step()).trace).toEqual(first.trace);
      await session.dispose();
    });
  }
});

describe('the client gives what the session gives', () => {
  it('greedy through the worker equals a SamplingSession run directly, token for token and trace for trace', async () => {
    const direct = await loadModel('expert');
    const promptIds = direct.encode(PROMPT_TEXT);
    const local = new SamplingSession(direct.model, { promptIds, sampling: { temperature: 0 }, decode: direct.decode });
    const expected = await local.runTo(24);

    const session = await runtime.client.open({ method: 'sampling', model: 'expert', prompt: PROMPT_TEXT, sampling: { temperature: 0 } });
    expect(session.opened.promptIds).toEqual(promptIds);
    const streamed: StepMessage[] = [];
    const result = await session.runTo(24, { onStep: (step) => streamed.push(step) });
    expect(result).toEqual({ steps: 24, stop: null });
    expect(streamed.map((s) => s.tokens)).toEqual(expected.steps.map((s) => s.tokens));
    expect(streamed.map((s) => s.trace)).toEqual(expected.steps.map((s) => s.trace));
    await session.dispose();
  });

  it('the step that ends the text carries the stop the next step answers; no step before it does', async () => {
    const spec: SessionSpec = { method: 'sampling', model: 'expert', prompt: ENDS_SOON_PROMPT_TEXT, sampling: { temperature: 0 } };
    const session = await runtime.client.open(spec);
    const taken: StepMessage[] = [];
    let reply = await session.step();
    while (reply.kind === 'step' && taken.length < 40) {
      taken.push(reply);
      reply = await session.step();
    }
    expect(reply.kind).toBe('stopped');
    expect(taken.length).toBeGreaterThan(1);
    expect(taken.at(-1)!.stopsHere).toEqual(reply);
    expect(taken.slice(0, -1).every((s) => s.stopsHere === undefined)).toBe(true);
    // Streamed steps of a run carry it too.
    await session.reset();
    const streamed: StepMessage[] = [];
    const result = await session.runTo(40, { onStep: (step) => streamed.push(step) });
    expect(result.stop).toEqual(reply);
    expect(streamed.map((s) => s.stopsHere)).toEqual(taken.map((s) => s.stopsHere));
    await session.dispose();
  });
});

describe('cancellation', () => {
  it('a cancelled step leaves the session as it was', async () => {
    const spec: SessionSpec = { method: 'sampling', model: 'expert', prompt: PROMPT_TEXT, seed: 11 };
    const reference = await runtime.client.open(spec);
    const expected = await steps(reference, 2);

    const session = await runtime.client.open(spec);
    const controller = new AbortController();
    const cancelled = session.step({ signal: controller.signal });
    controller.abort();
    const error = await cancelled.catch((e: unknown) => e);
    expect(isRuntimeError(error, 'cancelled')).toBe(true);
    const after = await steps(session, 2);
    expect(after.map((s) => s.index)).toEqual([1, 2]);
    expect(after.map((s) => s.trace)).toEqual(expected.map((s) => s.trace));
  });

  it('a cancelled run keeps the steps it reported and stops', async () => {
    const session = await runtime.client.open({ method: 'sampling', model: 'amateur', prompt: PROMPT_TEXT, seed: 2 });
    const controller = new AbortController();
    const seen: StepMessage[] = [];
    const run = session.runTo(200, {
      signal: controller.signal,
      onStep: (step) => {
        seen.push(step);
        if (seen.length === 3) controller.abort();
      },
    });
    expect(isRuntimeError(await run.catch((e: unknown) => e), 'cancelled')).toBe(true);
    // The next step continues right after the last reported one.
    const next = asStep(await session.step());
    expect(next.index).toBe(seen.length + 1);
    expect(seen.length).toBe(3);
  });
});

describe('what a page can get wrong', () => {
  it('an empty prompt is refused with a message', async () => {
    const error = await runtime.client.open({ method: 'sampling', model: 'amateur', prompt: '   ' }).catch((e: unknown) => e);
    expect(isRuntimeError(error, 'invalid-request')).toBe(true);
    expect((error as Error).message).toBe('The prompt is empty.');
  });

  it('a prompt longer than the context keeps its end and says how much was cut', async () => {
    const prompt = 'the sea and the old man '.repeat(400);
    const session = await runtime.client.open({ method: 'sampling', model: 'amateur', prompt, sampling: { temperature: 0 } });
    const keep = 256 - generationRoom(256);
    expect(session.opened.promptIds.length).toBe(keep);
    expect(session.opened.cutTokens).toBeGreaterThan(1000);
    expect(asStep(await session.step()).index).toBe(1);
  });

  it('out-of-range parameters are refused naming the parameter', async () => {
    const error = await runtime.client
      .open({ method: 'sampling', model: 'amateur', prompt: 'x', sampling: { topP: 2 } })
      .catch((e: unknown) => e);
    expect(isRuntimeError(error, 'invalid-request')).toBe(true);
    expect((error as Error).message).toMatch(/topP/);
  });

  it('a session naming a model that is not loaded is refused', async () => {
    const error = await runtime.client
      .open({ method: 'speculative', target: 'expert', draft: 'no-such-model', prompt: 'x', gamma: 2 })
      .catch((e: unknown) => e);
    expect(isRuntimeError(error, 'unknown-handle')).toBe(true);
  });

  it('the vocabulary gives each id its text', async () => {
    const vocabulary = await runtime.client.vocabulary('amateur');
    expect(vocabulary).toHaveLength(4096);
    expect(vocabulary[256]).toBe('<|endoftext|>');
    expect(vocabulary[32]).toBe(' ');
  });

  it('releasing a model closes its sessions', async () => {
    const pair = connectRuntime({
      bundledBaseUrl: `${server.origin}/models/`,
      hubHost: `${server.origin}/`,
      useBrowserCache: false,
      nodeCacheDir: cacheDir,
    });
    try {
      await pair.client.load('amateur');
      const session = await pair.client.open({ method: 'sampling', model: 'amateur', prompt: 'x' });
      expect((await pair.client.releaseModel('amateur')).released).toBe(true);
      expect(isRuntimeError(await session.step().catch((e: unknown) => e), 'unknown-handle')).toBe(true);
    } finally {
      pair.close();
    }
  });
});

describe('measuring the KV cache', () => {
  it('times cached and recomputed forward passes at a context, and refuses contexts the model cannot read', async () => {
    const timings = await runtime.client.measureForward('expert', 64, 3);
    expect(timings.contextTokens).toBe(64);
    expect(timings.cachedMs).toHaveLength(3);
    expect(timings.recomputeMs).toHaveLength(3);
    expect([...timings.cachedMs, ...timings.recomputeMs].every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    const tooLong = await runtime.client.measureForward('expert', 257, 1).catch((e: unknown) => e);
    expect(isRuntimeError(tooLong, 'invalid-request')).toBe(true);
  });
});
