/**
 * Open-ended generation: greedy, nucleus (p 0.95), top-k (50) and contrastive decoding (both
 * variants at the core's defaults, plus a sweep of alpha and beta) continue each held-out
 * opening for a fixed number of tokens; each continuation gets repetition/diversity metrics on
 * token ids and its perplexity under the expert (one forward over prompt + continuation), and each
 * method's continuations together get SimCTG's word-level corpus measure, the CD paper's.
 */
import { DEFAULT_PARAMS as CHAPTER_DEFAULTS } from '../src/components/widgets/cd-generation/params';
import { type ContrastiveOptions } from '../src/lib/decoding';
import type { AmateurContext } from '../src/lib/decoding';
import { corpusDiversity } from '../src/lib/metrics';
import { ContrastiveSession, SamplingSession } from '../src/lib/sessions';
import type { SteppingSession } from '../src/lib/sessions/session';
import type { Bundled } from './models';
import { continuationMetrics, continuationNll, mean, median, perplexity, type ContinuationMetrics } from './text-metrics';

export interface TextConfig {
  /** Stable key of the configuration. */
  key: string;
  method: 'greedy' | 'nucleus' | 'top-k' | 'contrastive';
  variant: 'li2022' | 'obrien2023' | null;
  alpha: number | null;
  beta: number | null;
  amateurTemperature: number | null;
  amateur: 'amateur' | 'expert-early' | null;
  amateurContext: AmateurContext | null;
  topP: number | null;
  topK: number | null;
  /** Part of the alpha/beta sweep (run on the sweep prompts only). */
  sweep: boolean;
}

const base = { variant: null, alpha: null, beta: null, amateurTemperature: null, amateur: null, amateurContext: null, topP: null, topK: null, sweep: false } as const;

/**
 * CD as the chapter starts it (its long-generation figure): alpha 0.1, and for li2022 the amateur
 * temperature tau = 0.5 that Li et al. used for GPT-2 pairs (ALGORITHMS.md §2).
 */
export const CHAPTER_CD = { alpha: CHAPTER_DEFAULTS.alpha, tau: CHAPTER_DEFAULTS.tau, beta: CHAPTER_DEFAULTS.beta } as const;

export function li2022(alpha: number, sweep: boolean, tau: number = CHAPTER_CD.tau): TextConfig {
  return {
    ...base,
    key: `cd-li2022-alpha${alpha}-tau${tau}`,
    method: 'contrastive',
    variant: 'li2022',
    alpha,
    amateurTemperature: tau,
    amateur: 'amateur',
    amateurContext: 'ignorePrefix',
    sweep,
  };
}

export function obrien2023(beta: number, sweep: boolean): TextConfig {
  return {
    ...base,
    key: `cd-obrien2023-beta${beta}`,
    method: 'contrastive',
    variant: 'obrien2023',
    alpha: CHAPTER_CD.alpha,
    beta,
    amateur: 'expert-early',
    amateurContext: 'full',
    sweep,
  };
}

export const MAIN_CONFIGS: TextConfig[] = [
  { ...base, key: 'greedy', method: 'greedy' },
  { ...base, key: 'nucleus-p0.95', method: 'nucleus', topP: 0.95 },
  { ...base, key: 'top-k-50', method: 'top-k', topK: 50 },
  li2022(CHAPTER_CD.alpha, false),
  obrien2023(CHAPTER_CD.beta, false),
];

/** alpha for li2022 and beta for obrien2023 other than the defaults (those come from the main runs). */
export const SWEEP_ALPHAS = [0.01, 0.05, 0.2, 0.5];
/** li2022's tau other than the chapter's, at the chapter's alpha; 1 is the core function's default. */
export const SWEEP_TAUS = [0.25, 1];
/** beta = 0 is expert greedy by definition (ALGORITHMS.md §3; tested), so it reuses the greedy runs. */
export const SWEEP_BETAS = [0.25, 1];

export interface TextSample extends ContinuationMetrics {
  config: string;
  promptIndex: number;
  /** Summed NLL of the continuation under the expert, and its per-continuation perplexity. */
  nll: number;
  perplexity: number;
  /** The end-of-sequence token occurs in the continuation (runs do not stop there). */
  hasEos: boolean;
  /** The continuation as text, for the word-level corpus measure (not written to results.json). */
  text: string;
  ms: number;
}

export interface TextRow extends Omit<TextConfig, 'key'> {
  config: string;
  prompts: number;
  newTokens: number;
  /** Means over continuations, on token ids. */
  rep2: number;
  rep3: number;
  rep4: number;
  diversity: number;
  /** SimCTG's corpus measure on whitespace words, as the CD paper's numbers were computed. */
  wordRep2: number;
  wordRep3: number;
  wordRep4: number;
  wordDiversity: number;
  distinct1: number;
  distinct2: number;
  distinct3: number;
  distinct4: number;
  /** exp(total NLL / total tokens) over all continuations, and the median per-continuation value. */
  perplexity: number;
  perplexityMedian: number;
  eosRate: number;
  /** 'run' or, for beta = 0, 'greedy runs (identical by definition)'. */
  source: string;
}

const SEED_BASE = { nucleus: 1000, 'top-k': 2000 } as const;

function makeSession(config: TextConfig, models: Bundled, promptIds: number[], promptIndex: number): SteppingSession<unknown, unknown> {
  const expert = models.expert.model;
  const common = { promptIds, stopAtEos: false, topN: 1 };
  switch (config.method) {
    case 'greedy':
      return new SamplingSession(expert, { ...common, sampling: { temperature: 0 } });
    case 'nucleus':
      return new SamplingSession(expert, { ...common, seed: SEED_BASE.nucleus + promptIndex, sampling: { temperature: 1, topP: config.topP! } });
    case 'top-k':
      return new SamplingSession(expert, { ...common, seed: SEED_BASE['top-k'] + promptIndex, sampling: { temperature: 1, topK: config.topK! } });
    case 'contrastive': {
      const amateur = config.amateur === 'amateur' ? models.amateur.model : models.expertEarly.model;
      const contrastive: ContrastiveOptions =
        config.variant === 'li2022'
          ? { variant: 'li2022', alpha: config.alpha!, amateurTemperature: config.amateurTemperature! }
          : { variant: 'obrien2023', alpha: config.alpha!, beta: config.beta! };
      return new ContrastiveSession(expert, amateur, { ...common, maxHeadTokens: 1, contrastive, amateurContext: config.amateurContext! });
    }
  }
}

export async function generateSample(
  config: TextConfig,
  models: Bundled,
  promptIds: number[],
  promptIndex: number,
  newTokens: number,
): Promise<{ sample: TextSample; tokens: number[] }> {
  const start = performance.now();
  const session = makeSession(config, models, promptIds, promptIndex);
  const run = await session.runTo(newTokens);
  if (run.stop) throw new Error(`${config.key} stopped early on prompt ${promptIndex}: ${run.stop.message}`);
  const tokens = run.steps.flatMap((s) => s.tokens).slice(0, newTokens);
  const out = await models.expert.model.forward([[...promptIds, ...tokens]], null);
  const nll = continuationNll(out.logits[0], promptIds.length, tokens);
  const eos = models.expert.model.info.eosTokenIds;
  return {
    tokens,
    sample: {
      config: config.key,
      promptIndex,
      ...continuationMetrics(tokens),
      nll,
      perplexity: perplexity(nll, tokens.length),
      hasEos: tokens.some((t) => eos.includes(t)),
      text: models.expert.decode(tokens.filter((t) => !eos.includes(t))),
      ms: performance.now() - start,
    },
  };
}

export function summarize(config: TextConfig, samples: readonly TextSample[], newTokens: number, source = 'run'): TextRow {
  const { key, ...rest } = config;
  const m = (f: (s: TextSample) => number) => mean(samples.map(f));
  const totalNll = samples.reduce((a, s) => a + s.nll, 0);
  const totalTokens = samples.reduce((a, s) => a + s.tokens, 0);
  const words = corpusDiversity(samples.map((s) => s.text));
  return {
    config: key,
    ...rest,
    prompts: samples.length,
    newTokens,
    rep2: m((s) => s.rep2),
    rep3: m((s) => s.rep3),
    rep4: m((s) => s.rep4),
    diversity: m((s) => s.diversity),
    wordRep2: words.rep2,
    wordRep3: words.rep3,
    wordRep4: words.rep4,
    wordDiversity: words.diversity,
    distinct1: m((s) => s.distinct1),
    distinct2: m((s) => s.distinct2),
    distinct3: m((s) => s.distinct3),
    distinct4: m((s) => s.distinct4),
    perplexity: perplexity(totalNll, totalTokens),
    perplexityMedian: median(samples.map((s) => s.perplexity)),
    eosRate: m((s) => (s.hasEos ? 1 : 0)),
    source,
  };
}
