/**
 * Repetition and diversity of a generated text, measured on its token ids. Pure functions: the
 * widgets show them live and the evaluation script reports them, so both use the same formulas.
 *
 * Definitions (for a continuation x̂ of token ids, n-grams taken with a sliding window):
 * - rep-n (Su et al. 2022, SimCTG, arXiv 2202.06417, used by the CD paper's follow-ups):
 *     rep-n = 100 × (1 − |unique n-grams(x̂)| / |total n-grams(x̂)|)        (a percentage)
 * - diversity (Li et al. 2022, Contrastive Decoding, arXiv 2210.15097, §5 "Diversity"):
 *     div = ∏_{n=2}^{4} |unique n-grams(x̂)| / |total n-grams(x̂)| = ∏_{n=2}^{4} (1 − rep-n / 100)
 * - distinct-n (Li et al. 2016, arXiv 1510.03055), as a fraction:
 *     distinct-n = |unique n-grams(x̂)| / |total n-grams(x̂)| = 1 − rep-n / 100
 *
 * A text too short to hold one n-gram (fewer than n tokens) repeats nothing: rep-n = 0 and
 * distinct-n = 1, so the numbers stay finite while a generation is still short.
 */

/** Total and unique n-gram counts of `tokens`. */
export function ngramCounts(tokens: readonly number[], n: number): { total: number; unique: number } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number >= 1, got ${n}`);
  const total = Math.max(0, tokens.length - n + 1);
  const seen = new Set<string>();
  for (let i = 0; i < total; i++) seen.add(tokens.slice(i, i + n).join(','));
  return { total, unique: seen.size };
}

/** distinct-n = |unique n-grams| / |total n-grams|, in [0, 1]; 1 when there is no n-gram. */
export function distinctN(tokens: readonly number[], n: number): number {
  const { total, unique } = ngramCounts(tokens, n);
  return total === 0 ? 1 : unique / total;
}

/** rep-n = 100 × (1 − |unique n-grams| / |total n-grams|), a percentage in [0, 100). */
export function repetitionRate(tokens: readonly number[], n: number): number {
  return 100 * (1 - distinctN(tokens, n));
}

/** The CD paper's diversity: ∏_{n=2}^{4} (1 − rep-n / 100), in [0, 1]; 1 = no repeated n-gram. */
export function diversity(tokens: readonly number[]): number {
  let product = 1;
  for (let n = 2; n <= 4; n++) product *= 1 - repetitionRate(tokens, n) / 100;
  return product;
}

export interface RepetitionReport {
  tokens: number;
  /** rep-2, rep-3, rep-4 in percent. */
  rep2: number;
  rep3: number;
  rep4: number;
  diversity: number;
}

/** Every number the generation comparison shows, for one token sequence. */
export function repetitionReport(tokens: readonly number[]): RepetitionReport {
  return {
    tokens: tokens.length,
    rep2: repetitionRate(tokens, 2),
    rep3: repetitionRate(tokens, 3),
    rep4: repetitionRate(tokens, 4),
    diversity: diversity(tokens),
  };
}
