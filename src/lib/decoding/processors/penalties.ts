/**
 * Penalties that look at the context: repetition penalty (Keskar et al. 2019, HF
 * `repetition_penalty`) and the no-repeat-n-gram ban (HF `no_repeat_ngram_size`).
 * `contextIds` is the whole context the model sees: the prompt and the generated tokens.
 */
import { requireTokenIds } from '../validate';
import { requireSamplingOption } from './domains';
import {
  BaseProcessor,
  checkRow,
  countFinite,
  finiteIndicesBy,
  toFloat32Checked,
  type Computed,
} from './common';

// ---------------------------------------------------------------------------- repetition penalty

function repetitionComputed(logits: Float32Array, contextIds: readonly number[], penalty: number): Computed {
  checkRow(logits);
  requireTokenIds('contextIds', contextIds, logits.length);
  const out = logits.slice();
  if (penalty === 1) return { logits: out, threshold: null };
  // A Set: each distinct token is penalised once, however often it occurs.
  for (const id of new Set(contextIds)) {
    const s = logits[id];
    if (s === -Infinity) continue;
    const penalised = s < 0 ? s * penalty : s / penalty;
    out[id] = toFloat32Checked(penalised, () => `logit ${s} of token ${id} with repetitionPenalty ${penalty}`);
  }
  return { logits: out, threshold: null };
}

/**
 * Repetition penalty theta > 0: every distinct token in `contextIds` (prompt included) gets
 * `s < 0 ? s * theta : s / theta`, once, whatever its count. theta > 1 discourages repeats, theta < 1
 * encourages them, theta = 1 is the identity. A score of 0 stays 0; -Infinity stays -Infinity.
 */
export function repetitionPenalty(logits: Float32Array, contextIds: readonly number[], penalty: number): Float32Array {
  return repetitionComputed(logits, contextIds, requireSamplingOption('repetitionPenalty', penalty)).logits;
}

export class RepetitionPenaltyProcessor extends BaseProcessor {
  readonly name = 'repetitionPenalty' as const;
  readonly penalty: number;

  constructor(penalty: number) {
    super();
    this.penalty = requireSamplingOption('repetitionPenalty', penalty);
  }

  protected override compute(contextIds: readonly number[], logits: Float32Array): Computed {
    return repetitionComputed(logits, contextIds, this.penalty);
  }
}

// ------------------------------------------------------------------------------ no-repeat n-gram

/**
 * Tokens that would complete an n-gram already present in `contextIds`: for every earlier
 * occurrence of the last n - 1 tokens followed by some token t, t is banned. For n = 1 that is
 * every token of the context.
 */
export function bannedNgramTokens(contextIds: readonly number[], n: number): number[] {
  requireSamplingOption('noRepeatNgramSize', n);
  const banned = new Set<number>();
  const len = contextIds.length;
  if (n === 0 || len < n) return [];
  const prefixStart = len - (n - 1);
  for (let i = 0; i + n - 1 < len; i++) {
    let match = true;
    for (let j = 0; j < n - 1; j++) {
      if (contextIds[i + j] !== contextIds[prefixStart + j]) {
        match = false;
        break;
      }
    }
    if (match) banned.add(contextIds[i + n - 1]);
  }
  return [...banned].sort((a, b) => a - b);
}

function noRepeatComputed(logits: Float32Array, contextIds: readonly number[], n: number, minTokensToKeep: number): Computed {
  const finiteBefore = checkRow(logits);
  requireTokenIds('contextIds', contextIds, logits.length);
  const out = logits.slice();
  const banned = bannedNgramTokens(contextIds, n);
  for (const id of banned) out[id] = -Infinity;
  const missing = Math.min(minTokensToKeep, finiteBefore) - countFinite(out);
  if (missing > 0) {
    // The ban would leave fewer than minTokensToKeep tokens: give back the best banned ones.
    const bannedScores = new Float32Array(logits.length).fill(-Infinity);
    for (const id of banned) bannedScores[id] = logits[id];
    for (const id of finiteIndicesBy(bannedScores, bannedScores, 'desc').slice(0, missing)) out[id] = logits[id];
  }
  return { logits: out, threshold: null };
}

/**
 * No-repeat n-gram: sets to -Infinity every token that would complete an n-gram already present in
 * `contextIds`. n is an integer >= 0; 0 disables; n = 1 bans every token already seen. If the ban
 * would leave fewer than `minTokensToKeep` finite tokens (a tiny vocabulary), the highest-scoring
 * banned tokens are let back in (lower id first among ties), so no row is ever fully masked.
 */
export function noRepeatNgram(
  logits: Float32Array,
  contextIds: readonly number[],
  n: number,
  minTokensToKeep = 1,
): Float32Array {
  return noRepeatComputed(logits, contextIds, requireSamplingOption('noRepeatNgramSize', n), requireSamplingOption('minTokensToKeep', minTokensToKeep)).logits;
}

export class NoRepeatNgramProcessor extends BaseProcessor {
  readonly name = 'noRepeatNgram' as const;
  readonly n: number;
  readonly minTokensToKeep: number;

  constructor(n: number, minTokensToKeep = 1) {
    super();
    this.n = requireSamplingOption('noRepeatNgramSize', n);
    this.minTokensToKeep = requireSamplingOption('minTokensToKeep', minTokensToKeep);
  }

  protected override compute(contextIds: readonly number[], logits: Float32Array): Computed {
    return noRepeatComputed(logits, contextIds, this.n, this.minTokensToKeep);
  }
}
