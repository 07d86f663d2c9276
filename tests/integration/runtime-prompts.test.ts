/**
 * Odd prompts through the client and the worker host (a real MessageChannel, the bundled amateur
 * on onnxruntime-node): blank text is refused with a message; emoji, CJK, right-to-left text,
 * control characters, HTML-like text and lone surrogates open and step; 100 000 characters are cut
 * to the context and the cut is counted in tokens and characters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../src/lib/runtime/model';
import { isRuntimeError } from '../../src/lib/runtime/errors';
import type { SessionSpec } from '../../src/lib/runtime/protocol';
import { generationRoom, wellFormed } from '../../src/lib/runtime/worker/open-session';
import { loadModel } from './support/bundled-models';
import { startModelServer, type ModelServer } from './support/model-server';
import { connectRuntime, type RuntimePair } from './support/runtime-pair';

let server: ModelServer;
let runtime: RuntimePair;
let cacheDir: string;
let reference: LoadedModel;

beforeAll(async () => {
  server = await startModelServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'runtime-prompts-'));
  runtime = connectRuntime({ bundledBaseUrl: `${server.origin}/models/`, hubHost: `${server.origin}/`, useBrowserCache: false, nodeCacheDir: cacheDir });
  await runtime.client.load('amateur');
  reference = await loadModel('amateur');
});

afterAll(async () => {
  runtime.close();
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const greedy = (prompt: string): SessionSpec => ({ method: 'sampling', model: 'amateur', prompt, sampling: { temperature: 0 } });

describe('blank prompts', () => {
  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['newlines and tabs', '\n\t\r\n '],
    ['no-break and ideographic spaces', '\u00a0\u3000\u2028\ufeff'],
  ])('%s: refused with what happened and what to do', async (_name, prompt) => {
    const error = await runtime.client.open(greedy(prompt)).catch((e: unknown) => e);
    expect(isRuntimeError(error, 'invalid-request')).toBe(true);
    expect((error as { info: { message: string; action: string } }).info).toMatchObject({
      message: 'The prompt is empty.',
      action: 'Type some text for the model to continue.',
    });
  });
});

describe('prompts the tokenizer must read without failing', () => {
  it.each([
    ['emoji', 'I love 🍕 and 👨‍👩‍👧 very much'],
    ['CJK', '日本語のテキストと中文文本'],
    ['right-to-left', 'שלום עולם مرحبا بالعالم'],
    ['control characters', 'a\u0000b\u0007c\u001b[31md\u007f\u0085e\u200b\u202eRTL'],
    ['HTML and script', '<img src=x onerror=alert(1)><script>alert(2)</script>&amp; "quotes" \'too\''],
    ['a token made of whitespace', 'x \t\n\r\n y'],
  ])('%s: opens with every character kept, and steps', async (_name, prompt) => {
    const session = await runtime.client.open(greedy(prompt));
    expect(session.opened.cutTokens).toBe(0);
    expect(session.opened.promptIds).toEqual(reference.encode(prompt));
    expect(reference.decode(session.opened.promptIds)).toBe(prompt);
    const step = await session.step();
    expect(step.kind).toBe('step');
    await session.dispose();
  });

  it('a lone surrogate is read as U+FFFD, the replacement character', async () => {
    for (const [lone, replaced] of [
      ['a\uD83Db', 'a\uFFFDb'],
      ['a\uDC00b', 'a\uFFFDb'],
      ['end\uD83D', 'end\uFFFD'],
      ['\uDE00\uD83D', '\uFFFD\uFFFD'], // both halves, in the wrong order
    ]) {
      expect(wellFormed(lone)).toBe(replaced);
      const session = await runtime.client.open(greedy(lone));
      expect(session.opened.promptIds).toEqual(reference.encode(replaced));
      expect((await session.step()).kind).toBe('step');
      await session.dispose();
    }
    // A pair in the right order is one character, left alone.
    expect(wellFormed('a😀b')).toBe('a😀b');
  });
});

describe('a prompt of 100 000 characters', () => {
  it('keeps its end, says how many tokens and characters were cut, and steps', async () => {
    const prompt = 'The quick brown fox jumps over the lazy dog. '.repeat(2300).slice(0, 100_000);
    const all = reference.encode(prompt);
    const session = await runtime.client.open(greedy(prompt));
    const { promptIds, cutTokens, cutCharacters, contextLength } = session.opened;
    expect(promptIds.length).toBe(contextLength - generationRoom(contextLength));
    expect(cutTokens).toBe(all.length - promptIds.length);
    expect(promptIds).toEqual(all.slice(cutTokens));
    // ASCII text: the cut and the kept text add up to the prompt, character for character.
    expect(cutCharacters + reference.decode(promptIds).length).toBe(100_000);
    expect(prompt.endsWith(reference.decode(promptIds))).toBe(true);
    expect((await session.step()).kind).toBe('step');
    await session.dispose();
  });

  it('of CJK text (three byte tokens a character) is cut the same way', async () => {
    const prompt = '日本語の文章です。'.repeat(11_200).slice(0, 100_000);
    const session = await runtime.client.open(greedy(prompt));
    expect(session.opened.cutTokens).toBeGreaterThan(250_000);
    expect(session.opened.cutCharacters).toBeGreaterThan(99_000);
    expect((await session.step()).kind).toBe('step');
    await session.dispose();
  });
});
