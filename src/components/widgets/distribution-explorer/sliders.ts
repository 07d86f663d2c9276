/** The explorer's sliders. Not a params.ts: its example is fixed and small, so it keeps no URL state. */
import type { ParamSchema } from '../../../lib/site/url-state';
import { exampleTokens } from './fixed-logits';

export const SCHEMA = {
  temperature: { kind: 'number', label: 'Temperature', min: 0, max: 2, default: 1, step: 0.05, hint: '0 means greedy: always the most likely token.' },
  topK: { kind: 'number', label: 'Top-k', min: 0, max: exampleTokens.length, default: 0, integer: true, hint: '0 keeps every token.' },
  topP: { kind: 'number', label: 'Top-p', min: 0, max: 1, default: 1, step: 0.01, hint: '1 keeps every token.' },
  minP: { kind: 'number', label: 'Min-p', min: 0, max: 1, default: 0, step: 0.01, hint: '0 keeps every token.' },
} satisfies ParamSchema;
