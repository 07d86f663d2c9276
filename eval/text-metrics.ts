/**
 * The open-ended generation metrics the evaluation reports for each continuation: rep-2/3/4 and
 * the CD paper's diversity (src/lib/metrics, the same functions the widgets show), distinct-1..4,
 * and perplexity from the expert's per-token log-probabilities.
 */
import { logSoftmax } from '../src/lib/decoding';
import { distinctN, diversity, repetitionRate } from '../src/lib/metrics';

export { distinctN, diversity, repetitionRate };

export interface ContinuationMetrics {
  tokens: number;
  /** rep-n in percent (100 × (1 − unique/total n-grams)). */
  rep2: number;
  rep3: number;
  rep4: number;
  /** ∏_{n=2}^{4} (1 − rep-n/100), in [0, 1]. */
  diversity: number;
  /** unique/total n-grams, in [0, 1]. */
  distinct1: number;
  distinct2: number;
  distinct3: number;
  distinct4: number;
}

export function continuationMetrics(tokens: readonly number[]): ContinuationMetrics {
  return {
    tokens: tokens.length,
    rep2: repetitionRate(tokens, 2),
    rep3: repetitionRate(tokens, 3),
    rep4: repetitionRate(tokens, 4),
    diversity: diversity(tokens),
    distinct1: distinctN(tokens, 1),
    distinct2: distinctN(tokens, 2),
    distinct3: distinctN(tokens, 3),
    distinct4: distinctN(tokens, 4),
  };
}

/**
 * Summed negative log-likelihood of `continuation` given the rows of logits of one forward pass
 * over prompt + continuation: row t predicts token t + 1, so continuation token i is scored by
 * row promptLength − 1 + i.
 */
export function continuationNll(logitRows: readonly Float32Array[], promptLength: number, continuation: readonly number[]): number {
  if (promptLength < 1) throw new RangeError('the prompt must hold at least one token');
  if (logitRows.length < promptLength + continuation.length - 1) {
    throw new RangeError(`need ${promptLength + continuation.length - 1} rows of logits, got ${logitRows.length}`);
  }
  let nll = 0;
  continuation.forEach((token, i) => {
    nll -= logSoftmax(logitRows[promptLength - 1 + i])[token];
  });
  return nll;
}

/** exp(total NLL / total tokens): perplexity of a corpus of continuations. */
export function perplexity(totalNll: number, totalTokens: number): number {
  if (totalTokens <= 0) throw new RangeError('perplexity needs at least one token');
  return Math.exp(totalNll / totalTokens);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export { median } from '../src/lib/stats/median';
