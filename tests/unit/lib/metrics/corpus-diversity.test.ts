import { describe, expect, it } from 'vitest';
import { corpusDiversity } from '../../../../src/lib/metrics';

/** SimCTG's measure_repetition_and_diversity, worked by hand on small corpora. */
describe('corpusDiversity (SimCTG, as the CD paper measured)', () => {
  it('counts word n-grams with the reference window, which stops one n-gram early', () => {
    // "a b a b a": 5 words; the reference's window takes m − n = 3 bigrams: "a b", "b a", "a b"
    // (the last "b a" is never read), so 2 unique of 3 and rep-2 = 33.33.
    const r = corpusDiversity(['a b a b a']);
    expect(r.words).toBe(5);
    expect(r.rep2).toBe(33.33);
    // Trigrams: "a b a", "b a b" (2 of 2 unique); 4-grams: "a b a b" (1 of 1).
    expect(r.rep3).toBe(0);
    expect(r.rep4).toBe(0);
    expect(r.diversity).toBeCloseTo(1 - 0.3333, 10);
  });

  it('sums unique and total counts over the corpus before dividing (not a mean of per-text ratios)', () => {
    // Text 1 "x x x x x x": bigrams (window m − 2 = 4) all "x x": 1 unique of 4.
    // Text 2 "p q r s t u": 4 bigrams, 4 unique. Corpus: 5 / 8 unique, rep-2 = 37.5.
    // A mean of per-text ratios would give (75 + 0) / 2 = 37.5 too, so a third text tells them apart:
    // text 3 "m n o" has 1 bigram, unique: corpus 6 / 9, rep-2 = 33.33 (mean of ratios: 25).
    expect(corpusDiversity(['x x x x x x', 'p q r s t u']).rep2).toBe(37.5);
    expect(corpusDiversity(['x x x x x x', 'p q r s t u', 'm n o']).rep2).toBe(33.33);
  });

  it('counts a repeated n-gram once per text, however many texts repeat it', () => {
    // Each text "a b c d" has bigrams "a b", "b c" (window 2 of 3): two texts, 4 unique by text, 4 total.
    expect(corpusDiversity(['a b c d', 'a b c d']).rep2).toBe(0);
  });

  it('splits on any whitespace like Python str.split(), and rounds rep-n to 2 decimals', () => {
    expect(corpusDiversity(['  a\tb\n\nc \u00a0 d\u001fe  ']).words).toBe(5);
    // 9 words: 7 bigrams read, 2 unique: 1 − 2/7 = 71.428.. -> 71.43. 8 words: 1 − 2/6 -> 66.67.
    expect(corpusDiversity(['q w q w q w q w q']).rep2).toBe(71.43);
    expect(corpusDiversity(['q w q w q w q w']).rep2).toBe(66.67);
  });

  it('is NaN where the corpus has no n-gram at all, as the reference would divide by zero', () => {
    expect(corpusDiversity(['one two']).rep2).toBeNaN();
    expect(corpusDiversity([]).diversity).toBeNaN();
  });
});
