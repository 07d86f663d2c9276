/**
 * The factual prompts' correctness rule (tests/fixtures/factual-prompts.json): a completion is
 * correct when the greedy continuation starts with `answer` followed by neither a letter nor a
 * digit (so " 1" does not match " 10", as training/evaluate.py judges it too). Judged on
 * the text generated so far, so a run can stop as soon as the outcome is settled.
 */

export type Verdict = 'correct' | 'wrong' | 'undecided';

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * `text`: the decoded continuation so far; `ended`: no more text will come (end of sequence or
 * the token cap), so an exact match counts as correct and an unfinished prefix as wrong.
 */
export function judgeCompletion(text: string, answer: string, ended: boolean): Verdict {
  // Byte-level BPE can split a character across tokens; the decoder shows the partial bytes as
  // U+FFFD. Judge only the complete characters and wait for the rest.
  let complete = text;
  let partial = false;
  while (complete.endsWith('\uFFFD')) {
    complete = complete.slice(0, -1);
    partial = true;
  }
  if (complete.startsWith(answer)) {
    if (complete.length > answer.length) return WORD_CHARACTER.test(complete[answer.length]) ? 'wrong' : 'correct';
    if (!ended) return 'undecided';
    // Unfinished bytes after the answer may be a letter: not proven correct, so counted wrong.
    return partial ? 'wrong' : 'correct';
  }
  if (answer.startsWith(complete)) return ended ? 'wrong' : 'undecided';
  return 'wrong';
}
