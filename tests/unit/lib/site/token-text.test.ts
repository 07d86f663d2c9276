/** The token-text display rule: whitespace and control characters visible, everything else as is. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visibleWhitespace } from '../../../../src/lib/site/tokenText';

describe('visibleWhitespace', () => {
  it.each([
    ['', '∅'],
    [' the', '␣the'],
    ['a\nb\tc\r', 'a⏎b⇥c␍'],
    ['\u0000\u0007\u001b[31m\u007f', '␀␇␛[31m␡'],
    ['<b>&amp;</b>', '<b>&amp;</b>'],
    ['<img src=x onerror=alert(1)>', '<img␣src=x␣onerror=alert(1)>'],
    ['日本語 🍕 שלום', '日本語␣🍕␣שלום'],
    ['\uFFFD', '\uFFFD'],
    ['\uD800', '\uD800'],
  ])('%j shows as %j', (text, shown) => {
    expect(visibleWhitespace(text)).toBe(shown);
  });

  it('leaves no character invisible that a token can hold, and changes no other', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        const shown = visibleWhitespace(text);
        expect(shown).not.toMatch(/[\u0000-\u001f\u007f ]/);
        const kept = [...text].filter((ch) => !/[\u0000-\u001f\u007f ]/.test(ch));
        expect([...shown].filter((ch) => !/[\u2400-\u2421␣⏎⇥␍∅]/.test(ch))).toEqual(kept.filter((ch) => !/[\u2400-\u2421␣⏎⇥␍∅]/.test(ch)));
        if (text.length > 0) expect([...shown].length).toBe([...text].length);
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});
