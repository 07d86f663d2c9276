/** The sessions the development page opens: every method on the bundled models. */
import type { SessionSpec } from '../../lib/runtime/protocol';

export const DEV_PROMPT = 'The old man looked at the sea and said that';

export interface DevSession {
  id: string;
  label: string;
  spec: SessionSpec;
}

export const DEV_SESSIONS: DevSession[] = [
  { id: 'greedy', label: 'Greedy', spec: { method: 'sampling', model: 'expert', prompt: DEV_PROMPT, sampling: { temperature: 0 } } },
  {
    id: 'top-p',
    label: 'Sampling, top-p 0.9',
    spec: { method: 'sampling', model: 'expert', prompt: DEV_PROMPT, sampling: { temperature: 1, topP: 0.9 }, seed: 1 },
  },
  { id: 'beam', label: 'Beam search, 4 beams', spec: { method: 'beam', model: 'expert', prompt: DEV_PROMPT, numBeams: 4, maxNewTokens: 16 } },
  {
    id: 'cd-li',
    label: 'Contrastive (Li et al.), amateur = small model',
    spec: { method: 'contrastive', expert: 'expert', amateur: 'amateur', prompt: DEV_PROMPT, contrastive: { variant: 'li2022' } },
  },
  {
    id: 'cd-obrien',
    label: "Contrastive (O'Brien & Lewis), amateur = early checkpoint",
    spec: { method: 'contrastive', expert: 'expert', amateur: 'expert-early', prompt: DEV_PROMPT, contrastive: { variant: 'obrien2023' } },
  },
  { id: 'dola', label: 'DoLa, high bucket, JSD', spec: { method: 'dola', model: 'expert', prompt: DEV_PROMPT, layers: 'high' } },
  {
    id: 'speculative',
    label: 'Speculative sampling, gamma 4',
    spec: { method: 'speculative', target: 'expert', draft: 'amateur', prompt: DEV_PROMPT, gamma: 4, sampling: { temperature: 1 }, seed: 1 },
  },
];

export const DEV_MODELS = ['amateur', 'expert', 'expert-early'] as const;
