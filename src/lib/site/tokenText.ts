/**
 * Makes whitespace and control characters in a token visible, since " the" and "the" are
 * different tokens and a reader must see the difference, and a token holding a NUL or an escape
 * would otherwise show as nothing. The result is plain text; callers render it as text, never as
 * HTML, so "<", "&" and quotes show as themselves.
 */
const VISIBLE: Record<string, string> = {
  ' ': '␣',
  '\n': '⏎',
  '\t': '⇥',
  '\r': '␍',
};

/** Unicode's Control Pictures: U+2400 + code for U+0000..U+001F, U+2421 for DEL. */
function controlPicture(ch: string): string {
  const code = ch.charCodeAt(0);
  return code === 0x7f ? '\u2421' : String.fromCharCode(0x2400 + code);
}

export function visibleWhitespace(text: string): string {
  if (text.length === 0) return '∅';
  return text.replace(/[\u0000-\u001f\u007f ]/g, (ch) => VISIBLE[ch] ?? controlPicture(ch));
}
