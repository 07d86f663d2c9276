/**
 * Conventions shared by every step trace (see DESIGN.md, "Traces").
 *
 * A trace is what a widget draws and what tests assert on, so it must survive
 * `JSON.parse(JSON.stringify(trace))` unchanged: plain objects, arrays of numbers, strings and
 * booleans only; no typed arrays, no NaN or +-Infinity (a masked score is `null`). Token ids
 * only: sessions attach token text, since the decoding core knows no tokenizer.
 */

/** One candidate token as traces list it. `score` is null where the token is masked. */
export interface TokenScore {
  token: number;
  /** Probability under the distribution the trace describes. */
  prob: number;
  /** The method's score (logit, CD score, DoLa score...), null when masked (-Infinity). */
  score: number | null;
}

/** Converts a possibly infinite score to its trace form. */
export function scoreForTrace(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  // JSON writes -0 as 0; normalise here so a trace round-trips exactly.
  return value === 0 ? 0 : value;
}

/** Lists the `ids` with their probability and score, in the order given. */
export function tokenScores(ids: readonly number[], probs: Float32Array, scores: Float32Array): TokenScore[] {
  return ids.map((token) => ({ token, prob: probs[token], score: scoreForTrace(scores[token]) }));
}
