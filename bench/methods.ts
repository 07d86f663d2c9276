/**
 * The methods the benchmark steps, on the bundled models, and the prompt they continue: one list
 * for `npm run bench` (run.ts) and compare-steps.ts.
 */

export const PROMPT = 'The old man looked at the sea and said that';

export interface BenchMethod {
  /** The short key results and command lines use. */
  method: string;
  label: string;
  models: string[];
  spec: { method: string; [key: string]: unknown };
}

/** Every method of the site on the bundled models (stopAtEos off: runs never end early). */
export const METHODS: BenchMethod[] = [
  { method: 'greedy', label: 'Greedy', models: ['expert'], spec: { method: 'sampling', model: 'expert', sampling: { temperature: 0 } } },
  { method: 'top-p', label: 'Top-p 0.9, T = 1', models: ['expert'], spec: { method: 'sampling', model: 'expert', sampling: { temperature: 1, topP: 0.9 }, seed: 1 } },
  { method: 'beam', label: 'Beam search, 4 beams', models: ['expert'], spec: { method: 'beam', model: 'expert', numBeams: 4, maxNewTokens: 64 } },
  {
    method: 'cd',
    label: 'Contrastive decoding (expert − amateur)',
    models: ['expert', 'amateur'],
    spec: { method: 'contrastive', expert: 'expert', amateur: 'amateur', contrastive: { variant: 'li2022' } },
  },
  { method: 'dola', label: 'DoLa, dynamic (high bucket, JSD)', models: ['expert'], spec: { method: 'dola', model: 'expert', layers: 'high' } },
  {
    method: 'speculative',
    label: 'Speculative, gamma 4, T = 1',
    models: ['expert', 'amateur'],
    spec: { method: 'speculative', target: 'expert', draft: 'amateur', gamma: 4, sampling: { temperature: 1 }, seed: 1 },
  },
];

/** A method's session spec on PROMPT, never stopping at end-of-sequence (runs keep their length). */
export function specOf(entry: BenchMethod): BenchMethod['spec'] & { prompt: string; stopAtEos: false } {
  return { ...entry.spec, prompt: PROMPT, stopAtEos: false };
}
