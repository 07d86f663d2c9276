/** The stops every session reports in the same words. */
import type { ModelInfo } from './model';
import type { SessionStop } from './session';
import { endedAtEos } from './prompt';

export function contextFull(info: ModelInfo, tokens: number): SessionStop {
  return {
    kind: 'stopped',
    reason: 'context-full',
    message:
      `The context is full: ${info.name} reads at most ${info.contextLength} tokens and the text has ${tokens}. ` +
      'Reset (or go back) to continue.',
  };
}

export function endOfSequence(info: ModelInfo): SessionStop {
  return {
    kind: 'stopped',
    reason: 'eos',
    message: `${info.name} ended the text with its end-of-sequence token. Reset (or go back) to continue.`,
  };
}

/** Whether a sequence of `tokens` tokens may grow by `more`: every position must fit the context. */
export function fitsContext(info: ModelInfo, tokens: number, more: number): boolean {
  return tokens + more <= info.contextLength;
}

/**
 * The stop, if any, that comes before a session adds its next token: the text already ended at
 * end-of-sequence (when the session stops there), or one more token would not fit the context.
 */
export function stopBeforeNextToken(
  info: ModelInfo,
  tokens: readonly number[],
  promptLength: number,
  stopAtEos: boolean,
): SessionStop | null {
  if (endedAtEos(tokens, promptLength, info, stopAtEos)) return endOfSequence(info);
  if (!fitsContext(info, tokens.length, 1)) return contextFull(info, tokens.length);
  return null;
}
