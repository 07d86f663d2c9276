/**
 * A model's end-of-sequence ids: every one counts, from config.json and generation_config.json,
 * each a number or a list (Qwen2.5's instruct models list <|im_end|> only in
 * generation_config.json).
 */
import { describe, expect, it } from 'vitest';
import { modelInfoFromConfig, type Gpt2StyleConfig } from '../../../../../src/lib/runtime/model/model-info';

const base: Gpt2StyleConfig = { n_layer: 2, n_head: 2, n_embd: 8, n_positions: 64, vocab_size: 100 };

describe('end-of-sequence ids', () => {
  it('reads one id or a list from config.json', () => {
    expect(modelInfoFromConfig({ ...base, eos_token_id: 7 }, 'm', false).eosTokenIds).toEqual([7]);
    expect(modelInfoFromConfig({ ...base, eos_token_id: [7, 9] }, 'm', false).eosTokenIds).toEqual([7, 9]);
    expect(modelInfoFromConfig({ ...base, eos_token_id: null }, 'm', false).eosTokenIds).toEqual([]);
    expect(modelInfoFromConfig(base, 'm', false).eosTokenIds).toEqual([]);
  });

  it('adds the ids of generation_config.json, each once', () => {
    // Qwen2.5-0.5B-Instruct: config.json 151643; generation_config.json [151645, 151643].
    const qwen = { ...base, vocab_size: 151936, eos_token_id: 151643 };
    expect(modelInfoFromConfig(qwen, 'qwen', false, { eos_token_id: [151645, 151643] }).eosTokenIds).toEqual([151643, 151645]);
    expect(modelInfoFromConfig({ ...base }, 'm', false, { eos_token_id: 3 }).eosTokenIds).toEqual([3]);
  });

  it('refuses ids that are not token ids of the vocabulary, naming the file', () => {
    expect(() => modelInfoFromConfig({ ...base, eos_token_id: [7, -1] }, 'm', false)).toThrow(/config\.json of model "m" must give eos_token_id as token ids/);
    expect(() => modelInfoFromConfig(base, 'm', false, { eos_token_id: [1.5] as unknown as number[] })).toThrow(/generation_config\.json of model "m"/);
    expect(() => modelInfoFromConfig({ ...base, eos_token_id: 100 }, 'm', false)).toThrow(/end-of-sequence id 100, outside its vocabulary of 100/);
  });
});
