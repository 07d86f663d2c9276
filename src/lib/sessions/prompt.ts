/** Checks shared by every session's constructor. */
import { requireTokenIds } from '../decoding';
import type { DecodeTokens, ModelInfo } from './model';

/** A copy of the prompt after checking it fits the model; at least one token (a causal LM needs one). */
export function checkedPrompt(promptIds: readonly number[], info: ModelInfo): number[] {
  if (!Array.isArray(promptIds) || promptIds.length === 0) throw new RangeError('the prompt must hold at least 1 token, got 0');
  requireTokenIds('promptIds', promptIds, info.vocabSize);
  if (promptIds.length >= info.contextLength) {
    throw new RangeError(
      `the prompt has ${promptIds.length} tokens but ${info.name} reads at most ${info.contextLength}, ` +
        'which leaves no room to generate: shorten the prompt',
    );
  }
  return [...promptIds];
}

/** Whether a session that stops at EOS has just generated it. */
export function endedAtEos(tokens: readonly number[], promptLength: number, info: ModelInfo, stopAtEos: boolean): boolean {
  return stopAtEos && tokens.length > promptLength && info.eosTokenIds.includes(tokens[tokens.length - 1]);
}

export function decodeOrNull(decode: DecodeTokens | undefined, ids: readonly number[]): string | null {
  return decode ? decode(ids) : null;
}

export function requireSameVocabulary(a: ModelInfo, b: ModelInfo): void {
  if (a.vocabSize !== b.vocabSize) {
    throw new RangeError(
      `${a.name} and ${b.name} must share one tokenizer, but their vocabularies have ${a.vocabSize} and ${b.vocabSize} tokens`,
    );
  }
}
