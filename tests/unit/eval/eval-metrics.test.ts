import { describe, expect, it } from 'vitest';
import { totalVariation } from '../../../src/lib/decoding';
import { judgeCompletion } from '../../../eval/factual';
import { continuationMetrics, continuationNll, distinctN, diversity, median, perplexity, repetitionRate } from '../../../eval/text-metrics';
import { empiricalTotalVariation } from '../../../src/lib/stats';

/**
 * The metric functions the evaluation reports (eval/text-metrics.ts re-exports src/lib/metrics),
 * checked on examples small enough to count by hand.
 */
describe('rep-n, distinct-n and diversity on hand-made token lists', () => {
  // 1 2 1 2 1 2: bigrams 12 21 12 21 12 -> 2 unique of 5; trigrams 121 212 121 212 -> 2 of 4;
  // 4-grams 1212 2121 1212 -> 2 of 3.
  const loop = [1, 2, 1, 2, 1, 2];

  it('counts repeated n-grams as a percentage', () => {
    expect(repetitionRate(loop, 2)).toBeCloseTo(100 * (1 - 2 / 5), 10);
    expect(repetitionRate(loop, 3)).toBeCloseTo(50, 10);
    expect(repetitionRate(loop, 4)).toBeCloseTo(100 * (1 - 2 / 3), 10);
    expect(repetitionRate([1, 2, 3, 4, 5], 2)).toBe(0);
    // Same token 5 times: 4 bigrams, 1 unique.
    expect(repetitionRate([7, 7, 7, 7, 7], 2)).toBeCloseTo(75, 10);
  });

  it("diversity is the CD paper's product over n = 2..4", () => {
    expect(diversity(loop)).toBeCloseTo((2 / 5) * (2 / 4) * (2 / 3), 10);
    expect(diversity([1, 2, 3, 4, 5, 6])).toBe(1);
    expect(diversity([7, 7, 7, 7, 7])).toBeCloseTo((1 / 4) * (1 / 3) * (1 / 2), 10);
  });

  it('distinct-n is unique over total n-grams', () => {
    expect(distinctN(loop, 1)).toBeCloseTo(2 / 6, 10);
    expect(distinctN([3, 1, 3, 2], 1)).toBeCloseTo(3 / 4, 10);
    const m = continuationMetrics(loop);
    expect(m).toMatchObject({ tokens: 6 });
    expect(m.distinct2).toBeCloseTo(1 - m.rep2 / 100, 10);
    expect(m.diversity).toBeCloseTo(m.distinct2 * m.distinct3 * m.distinct4, 10);
  });

  it('a text too short for an n-gram repeats nothing', () => {
    expect(repetitionRate([1, 2], 3)).toBe(0);
    expect(diversity([1])).toBe(1);
  });
});

describe('total variation distance on hand-made distributions', () => {
  it('is half the L1 distance', () => {
    expect(totalVariation(new Float32Array([0.5, 0.5, 0]), new Float32Array([0.25, 0.25, 0.5]))).toBeCloseTo(0.5, 6);
    expect(totalVariation(new Float32Array([1, 0]), new Float32Array([0, 1]))).toBeCloseTo(1, 6);
    expect(totalVariation(new Float32Array([0.2, 0.8]), new Float32Array([0.2, 0.8]))).toBe(0);
  });

  it('between observed counts and a distribution', () => {
    // Counts 3, 1, 0 -> 0.75, 0.25, 0 against 0.5, 0.25, 0.25: (0.25 + 0 + 0.25) / 2.
    expect(empiricalTotalVariation([3, 1, 0], new Float32Array([0.5, 0.25, 0.25]))).toBeCloseTo(0.25, 6);
    expect(() => empiricalTotalVariation([0, 0], new Float32Array([0.5, 0.5]))).toThrow(/no observations/);
  });
});

describe('perplexity of a continuation', () => {
  it('scores continuation token i with the row before it', () => {
    // Uniform rows over 4 tokens: NLL log 4 per token, perplexity 4, whatever the tokens.
    const uniform = Array.from({ length: 5 }, () => new Float32Array(4));
    expect(continuationNll(uniform, 2, [0, 3, 1])).toBeCloseTo(3 * Math.log(4), 5);
    expect(perplexity(3 * Math.log(4), 3)).toBeCloseTo(4, 5);
    // A row that puts all mass (nearly) on token 2: NLL ~0 for token 2 at that position only.
    const rows = [new Float32Array([0, 0, 50, 0]), new Float32Array(4)];
    expect(continuationNll(rows, 1, [2, 0])).toBeCloseTo(Math.log(4), 5);
    expect(() => continuationNll(rows, 1, [2, 0, 1, 1])).toThrow(/rows of logits/);
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe("the factual prompts' correctness rule", () => {
  it('needs the answer followed by neither a letter nor a digit', () => {
    expect(judgeCompletion(' Paris.', ' Paris', false)).toBe('correct');
    expect(judgeCompletion(' Paris is', ' Paris', false)).toBe('correct');
    expect(judgeCompletion(' Parisian', ' Paris', false)).toBe('wrong');
    expect(judgeCompletion(' London', ' Paris', false)).toBe('wrong');
    expect(judgeCompletion(' Par', ' Paris', false)).toBe('undecided');
    expect(judgeCompletion(' Paris', ' Paris', false)).toBe('undecided');
    expect(judgeCompletion(' Paris', ' Paris', true)).toBe('correct');
    expect(judgeCompletion(' Par', ' Paris', true)).toBe('wrong');
    expect(judgeCompletion(' Bogot\uFFFD', ' Bogotá', false)).toBe('undecided');
    expect(judgeCompletion(' Bogotá,', ' Bogotá', false)).toBe('correct');
    expect(judgeCompletion(' Euroé', ' Euro', false)).toBe('wrong');
    // Numeric answers (atomic numbers, calling codes): " 1" is not the start of " 10".
    expect(judgeCompletion(' 10', ' 1', false)).toBe('wrong');
    expect(judgeCompletion('331', '33', false)).toBe('wrong');
    expect(judgeCompletion(' 1.', ' 1', false)).toBe('correct');
  });
});
