/** The contrastive-decoding widget's parameters, as controls and in the URL (prefix "cd"). */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { BUNDLED_PAIR, type ModelPair } from '../../../lib/runtime/registry';
import { defaultValues, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';
import { PAIR_PARAM } from '../shared/model-pair';

export const PREFIX = 'cd';
export const DEFAULT_PROMPT = 'The old man looked at the sea and said that';

export const VARIANTS = ['li2022', 'obrien2023'] as const;
/** The amateur: the small bundled model, or an early checkpoint of the expert (O'Brien & Lewis). */
export const AMATEURS = ['amateur', 'expert-early'] as const;
export const AMATEUR_CONTEXTS = ['ignorePrefix', 'full'] as const;

export const SCHEMA = {
  prompt: { kind: 'text', label: 'Prompt', maxLength: 2000, default: DEFAULT_PROMPT },
  variant: { kind: 'choice', label: 'Variant', values: VARIANTS, default: 'li2022' as const },
  alpha: { kind: 'number', label: 'Alpha', min: 0, max: 1, default: 0.1, step: 0.01, hint: 'Head: tokens with p_exp ≥ alpha · max p_exp. 0 keeps every token.' },
  // Li et al. used tau = 0.5 for GPT-2 pairs (ALGORITHMS.md §2), so the widget starts there.
  tau: { kind: 'number', label: 'Amateur temperature tau', min: 0.1, max: 2, default: 0.5, step: 0.05, hint: 'Score: log p_exp − (1/tau) · log p_ama.' },
  beta: { kind: 'number', label: 'Beta', min: 0, max: 2, default: 0.5, step: 0.05, hint: "Score: (1 + beta) · s_exp − beta · s_ama on logits. 0 is the expert's greedy choice." },
  amateur: { kind: 'choice', label: 'Amateur', values: AMATEURS, default: 'amateur' as const },
  context: { kind: 'choice', label: 'Amateur context', values: AMATEUR_CONTEXTS, default: 'ignorePrefix' as const },
  pair: PAIR_PARAM,
} satisfies ParamSchema;

export type ContrastiveParams = ParamValues<typeof SCHEMA>;

/** Rows of the trace's expert and amateur top lists. */
export const TOP_N = 10;

/**
 * The amateur model on this pair: its small model, or the large model's early checkpoint where the
 * pair has one (only the bundled family does; elsewhere the widget offers the small model alone).
 */
export function amateurOf(p: ContrastiveParams, pair: ModelPair): string {
  return p.amateur === 'expert-early' && pair.early ? pair.early : pair.small;
}

/** Only the chosen variant's own parameter goes into the spec, so the other slider changes nothing. */
export function contrastiveSpec(p: ContrastiveParams, pair: ModelPair = BUNDLED_PAIR): SessionSpec {
  return {
    method: 'contrastive',
    expert: pair.large,
    amateur: amateurOf(p, pair),
    prompt: p.prompt,
    contrastive:
      p.variant === 'li2022'
        ? { variant: 'li2022', alpha: p.alpha, amateurTemperature: p.tau }
        : { variant: 'obrien2023', alpha: p.alpha, beta: p.beta },
    amateurContext: p.context,
    topN: TOP_N,
  };
}

export const DEFAULT_PARAMS: ContrastiveParams = defaultValues(SCHEMA);
