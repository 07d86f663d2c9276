/**
 * Repetition and diversity as the CD paper's numbers were measured: SimCTG's
 * `measure_repetition_and_diversity` (Su et al. 2022, simctg/evaluation.py), which Li et al.'s
 * repository uses for its logs. It differs from ngrams.ts (per text, on token ids) in three ways:
 * - n-grams are of whitespace-separated words (Python's `text.strip().split()`);
 * - counts are summed over the whole corpus before dividing: rep-n = 100 × (1 − Σ unique / Σ total),
 *   where each text's unique n-grams are counted within that text;
 * - the window stops one n-gram early (`while end_idx < len(words)`), so a text of m words
 *   contributes m − n n-grams, not m − n + 1, and rep-n is rounded to 2 decimals before the
 *   product div = ∏_{n=2}^{4} (1 − rep-n / 100). Both are the reference's, kept so numbers compare.
 */

export interface CorpusDiversity {
  texts: number;
  words: number;
  /** rep-2, rep-3, rep-4 in percent, rounded to 2 decimals as the reference does. */
  rep2: number;
  rep3: number;
  rep4: number;
  diversity: number;
}

/** Python's str.split(): runs of whitespace (including U+001C..U+001F, which \s lacks) separate words. */
function words(text: string): string[] {
  return text.split(/[\s\u001c-\u001f]+/u).filter((w) => w.length > 0);
}

/** Unique and total n-grams of one text, with the reference's window. */
function textNgrams(tokens: readonly string[], n: number): { unique: number; total: number } {
  const seen = new Set<string>();
  let total = 0;
  for (let end = n; end < tokens.length; end++) {
    seen.add(tokens.slice(end - n, end).join(' '));
    total++;
  }
  return { unique: seen.size, total };
}

/** rep-n over a corpus; NaN when the corpus holds no n-gram at all (the reference divides by 0). */
function corpusRep(texts: readonly string[][], n: number): number {
  let unique = 0;
  let total = 0;
  for (const t of texts) {
    const c = textNgrams(t, n);
    unique += c.unique;
    total += c.total;
  }
  return total === 0 ? Number.NaN : Math.round(100 * (1 - unique / total) * 100) / 100;
}

export function corpusDiversity(texts: readonly string[]): CorpusDiversity {
  const split = texts.map((t) => words(t));
  const [rep2, rep3, rep4] = [2, 3, 4].map((n) => corpusRep(split, n));
  return {
    texts: texts.length,
    words: split.reduce((s, w) => s + w.length, 0),
    rep2,
    rep3,
    rep4,
    diversity: (1 - rep2 / 100) * (1 - rep3 / 100) * (1 - rep4 / 100),
  };
}
