/** The beam tree's parameters, as sliders and in the URL (prefix "beam"). */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';

export const PREFIX = 'beam';
export const DEFAULT_PROMPT = 'Once upon a time, there was a little girl who';

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: DEFAULT_PROMPT },
  numBeams: { kind: 'number', label: 'Beams', min: 1, max: 8, default: 3, integer: true, hint: '1 is greedy search.' },
  maxNewTokens: { kind: 'number', label: 'Max new tokens', min: 1, max: 16, default: 8, integer: true },
  lengthPenalty: { kind: 'number', label: 'Length penalty', min: -1, max: 3, default: 1, step: 0.1, hint: "Exponent of the length in a finished hypothesis's score; 0 ranks by total log-probability." },
  // A view setting, not a search setting: in the URL too, so a shared link shows the same tree.
  pruned: { kind: 'choice', label: 'Pruned candidates', values: ['show', 'hide'], default: 'show' },
} satisfies ParamSchema;

export type BeamParams = ParamValues<typeof SCHEMA>;

/** The session the widget steps: beam search on the expert, ending hypotheses at EOS. */
export function beamSpec(p: BeamParams): SessionSpec {
  return {
    method: 'beam',
    model: 'expert',
    prompt: p.prompt,
    numBeams: p.numBeams,
    maxNewTokens: p.maxNewTokens,
    lengthPenalty: p.lengthPenalty,
  };
}

export const DEFAULT_PARAMS: BeamParams = defaultValues(SCHEMA);
