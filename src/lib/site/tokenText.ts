/**
 * Makes whitespace in a token visible, since " the" and "the" are different tokens and a reader
 * must see the difference. The result is plain text; callers render it as text, never as HTML.
 */
const VISIBLE: Record<string, string> = {
  ' ': '␣',
  '\n': '⏎',
  '\t': '⇥',
  '\r': '␍',
};

export function visibleWhitespace(text: string): string {
  if (text.length === 0) return '∅';
  return text.replace(/[ \n\t\r]/g, (ch) => VISIBLE[ch] ?? ch);
}
