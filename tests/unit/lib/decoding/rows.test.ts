import { describe, expect, it } from 'vitest';
import { flooredLogProbs, LOG_PROB_FLOOR } from '../../../../src/lib/decoding/rows';

describe('flooredLogProbs', () => {
  const logits = new Float32Array([2, -Infinity, 0, -1, -Infinity]);

  it('gives the exact log-probabilities, and the floor where the row rules a token out', () => {
    const { logProbs, floor, flooredCount, logNormalizer } = flooredLogProbs(logits);
    expect(floor).toBe(LOG_PROB_FLOOR);
    expect(flooredCount).toBe(2);
    expect(logNormalizer).toBeCloseTo(Math.log(Math.exp(2) + 1 + Math.exp(-1)), 12);
    expect(Array.from(logProbs)).toEqual([2 - logNormalizer, floor, 0 - logNormalizer, -1 - logNormalizer, floor]);
  });

  it('writes every entry of storage it is given, whatever that held', () => {
    const into = new Float64Array(logits.length).fill(Number.NaN);
    const reused = flooredLogProbs(logits, undefined, into);
    expect(reused.logProbs).toBe(into);
    expect(into).toEqual(flooredLogProbs(logits).logProbs);
  });

  it('refuses storage of another length', () => {
    expect(() => flooredLogProbs(logits, undefined, new Float64Array(4))).toThrow(/into must hold 5 entries, got 4/);
  });
});
