/**
 * Every end-of-sequence id a model declares reaches the sessions: the adapter reads
 * generation_config.json beside config.json (a copy of the bundled amateur whose
 * generation_config.json lists a second id, as Qwen2.5's instruct models do), and a greedy
 * session stops at that second id.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argmax } from '../../src/lib/decoding';
import { loadBundledModel } from '../../src/lib/runtime/model';
import { SamplingSession } from '../../src/lib/sessions';

const MODELS = join(import.meta.dirname, '..', '..', 'public', 'models');
const root = mkdtempSync(join(tmpdir(), 'models-eos-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('end-of-sequence ids from generation_config.json', async () => {
  const plain = await loadBundledModel('amateur', { localModelPath: MODELS });
  const prompt = plain.encode('The old man looked at the sea and said that');
  // The amateur's own greedy next token, declared a second end-of-sequence id in the copy.
  const next = argmax((await plain.model.forward([prompt], null)).logits[0].at(-1)!);
  const configEos = JSON.parse(readFileSync(join(MODELS, 'amateur', 'config.json'), 'utf8')).eos_token_id as number;

  cpSync(join(MODELS, 'amateur'), join(root, 'amateur-two-ends'), { recursive: true });
  const generation = JSON.parse(readFileSync(join(MODELS, 'amateur', 'generation_config.json'), 'utf8'));
  writeFileSync(join(root, 'amateur-two-ends', 'generation_config.json'), JSON.stringify({ ...generation, eos_token_id: [configEos, next] }));
  const copy = await loadBundledModel('amateur-two-ends', { localModelPath: root });

  it('lists both ids, config.json first', () => {
    expect(plain.model.info.eosTokenIds).toEqual([configEos]);
    expect(next).not.toBe(configEos);
    expect(copy.model.info.eosTokenIds).toEqual([configEos, next]);
  });

  it('a greedy session stops at the second id', async () => {
    const session = new SamplingSession(copy.model, { promptIds: prompt, sampling: { temperature: 0 } });
    const run = await session.runTo(10);
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0].tokens).toEqual([next]);
    expect(run.stop?.reason).toBe('eos');
  });
});
