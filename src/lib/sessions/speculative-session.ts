/**
 * Speculative sampling with a draft and a target model sharing one tokenizer. One step is one
 * round: the draft proposes gamma tokens one at a time through its KV cache; the target reads the
 * last accepted token and the gamma proposals in ONE forward call, which gives its gamma + 1
 * distributions; the core's speculativeRound (or speculativeRoundGreedy at temperature 0) accepts
 * a prefix and adds one token; then both caches are cropped back to the accepted text. With
 * stopAtEos, the draft stops proposing at end-of-sequence and a round that accepts it ends there.
 *
 * p and q are the processed distributions (finalDistribution with the same sampling options,
 * each row with its own context for the penalties), as the rule requires. Every draw, the
 * draft's included, comes from the session's SeededRandom, so back() replays a round exactly.
 */
import {
  argmax,
  finalDistribution,
  requireInRange,
  resolveSamplingOptions,
  sampleIndex,
  SeededRandom,
  speculativeRound,
  speculativeRoundGreedy,
  type RandomState,
  type ResolvedSamplingOptions,
  type SamplingOptions,
  type SpeculativeGreedyTrace,
  type SpeculativeTrace,
} from '../decoding';
import { CachedSequence } from './cached-sequence';
import type { CausalLM, DecodeTokens } from './model';
import { checkedPrompt, decodeOrNull, requireSameVocabulary } from './prompt';
import { SteppingSession, type SessionStep, type SessionStop } from './session';
import { stopBeforeNextToken } from './stops';

export type SpeculativeSessionTrace = SpeculativeTrace | SpeculativeGreedyTrace;

export interface SpeculativeSessionOptions {
  promptIds: readonly number[];
  /** Draft tokens per round, an integer >= 0 (fewer near the context limit). */
  gamma: number;
  /** Applied to both p and q; temperature 0 runs the greedy variant. Default: T = 1, no filters. */
  sampling?: SamplingOptions;
  seed?: number;
  /** Length of the trace's top list of the final token's distribution (default 10). */
  topN?: number;
  /** Emit nothing after an end-of-sequence token and stop there (default true). */
  stopAtEos?: boolean;
  decode?: DecodeTokens;
}

interface Snapshot {
  tokens: number;
  draftCached: number;
  targetCached: number;
  random: RandomState;
}

interface Proposal {
  tokens: number[];
  /** q_i, the processed draft distribution each token was drawn from. */
  probs: Float32Array[];
  ms: number;
}

/** rows[index], made (or remade for another vocabulary size) when missing. */
function reusedRow(rows: Float32Array[], index: number, length: number): Float32Array {
  if (rows[index]?.length !== length) rows[index] = new Float32Array(length);
  return rows[index];
}

export class SpeculativeSession extends SteppingSession<SpeculativeSessionTrace, Snapshot> {
  readonly promptIds: readonly number[];
  readonly gamma: number;
  readonly sampling: ResolvedSamplingOptions;
  private tokens: number[];
  private readonly draftSequence: CachedSequence;
  private readonly targetSequence: CachedSequence;
  private random: SeededRandom;
  private seed: number;
  // q_1..q_gamma and p_1..p_{gamma+1} of a round: read only inside it (its trace copies what it
  // shows), so each round writes into the previous round's storage instead of 2 gamma + 1 new rows.
  private readonly draftRows: Float32Array[] = [];
  private readonly targetRows: Float32Array[] = [];

  constructor(
    readonly draft: CausalLM,
    readonly target: CausalLM,
    private readonly options: SpeculativeSessionOptions,
  ) {
    super();
    requireSameVocabulary(target.info, draft.info);
    this.promptIds = checkedPrompt(options.promptIds, target.info);
    this.gamma = requireInRange('gamma', options.gamma, { min: 0, integer: true });
    this.sampling = resolveSamplingOptions(options.sampling);
    this.tokens = [...this.promptIds];
    this.draftSequence = new CachedSequence(draft);
    this.targetSequence = new CachedSequence(target);
    this.seed = options.seed ?? 0;
    this.random = new SeededRandom(this.seed);
  }

  get ids(): readonly number[] {
    return this.tokens;
  }

  get generatedCount(): number {
    return this.tokens.length - this.promptIds.length;
  }

  private get greedy(): boolean {
    return this.sampling.temperature === 0;
  }

  /**
   * gamma, reduced so that the round can emit gamma + 1 tokens within the target's context and
   * the draft reads at most its own context (it feeds the text and gamma - 1 of its proposals).
   */
  private roundGamma(): number {
    const n = this.tokens.length;
    return Math.max(0, Math.min(this.gamma, this.target.info.contextLength - n - 1, this.draft.info.contextLength - n + 1));
  }

  /** The end-of-sequence tokens when the text stops there, else none. */
  private get endTokens(): readonly number[] {
    return (this.options.stopAtEos ?? true) ? this.target.info.eosTokenIds : [];
  }

  /** Up to gamma draft tokens; the draft stops after proposing the end token, as HF's assistant does. */
  private async propose(gamma: number): Promise<Proposal> {
    const proposal: Proposal = { tokens: [], probs: [], ms: 0 };
    const ends = this.endTokens;
    while (proposal.tokens.length < gamma && !ends.includes(proposal.tokens.at(-1) ?? -1)) {
      const context = [...this.tokens, ...proposal.tokens];
      const { logits, ms } = await this.draftSequence.extend(context);
      proposal.ms += ms;
      const row = logits[logits.length - 1];
      const q = finalDistribution(row, context, this.sampling, reusedRow(this.draftRows, proposal.tokens.length, row.length));
      proposal.tokens.push(this.greedy ? argmax(q) : sampleIndex(q, this.random.asFunction()));
      proposal.probs.push(q);
    }
    return proposal;
  }

  protected stopBeforeStep(): SessionStop | null {
    return stopBeforeNextToken(this.target.info, this.tokens, this.promptIds.length, this.options.stopAtEos ?? true);
  }

  protected async advance(): Promise<SessionStep<SpeculativeSessionTrace>> {
    const proposal = await this.propose(this.roundGamma());
    const gamma = proposal.tokens.length;

    // One target call over every position still unread: the last accepted token and the gamma
    // proposals (the whole prompt on the first round); its last gamma + 1 rows are p_1..p_{gamma+1}.
    const verified = await this.targetSequence.extend([...this.tokens, ...proposal.tokens]);
    const rows = verified.logits.slice(verified.logits.length - (gamma + 1));
    const targetProbs = rows.map((row, i) =>
      finalDistribution(row, [...this.tokens, ...proposal.tokens.slice(0, i)], this.sampling, reusedRow(this.targetRows, i, row.length)),
    );

    // An accepted end token ends the round and the text; a residual or bonus end token is the
    // round's last token anyway, so nothing after end-of-sequence is ever emitted or shown.
    const round = this.greedy
      ? speculativeRoundGreedy(proposal.tokens, targetProbs, { endToken: this.endTokens })
      : speculativeRound(proposal.tokens, proposal.probs, targetProbs, this.random.asFunction(), {
          topN: this.options.topN ?? 10,
          endToken: this.endTokens,
        });
    const emitted = round.tokens;

    this.tokens.push(...emitted);
    // Both caches keep the accepted text except its last token, which the next round feeds.
    const keep = this.tokens.length - 1;
    this.targetSequence.cropTo(Math.min(keep, this.targetSequence.cachedLength));
    this.draftSequence.cropTo(Math.min(keep, this.draftSequence.cachedLength));
    return {
      kind: 'step',
      index: this.stepCount + 1,
      tokens: emitted,
      text: decodeOrNull(this.options.decode, emitted),
      trace: round.trace,
      timing: { draft: proposal.ms, target: verified.ms },
    };
  }

  protected snapshot(): Snapshot {
    return {
      tokens: this.tokens.length,
      draftCached: this.draftSequence.cachedLength,
      targetCached: this.targetSequence.cachedLength,
      random: this.random.getState(),
    };
  }

  protected restore(snapshot: Snapshot): void {
    this.tokens = this.tokens.slice(0, snapshot.tokens);
    this.draftSequence.cropTo(Math.min(snapshot.draftCached, this.draftSequence.cachedLength));
    this.targetSequence.cropTo(Math.min(snapshot.targetCached, this.targetSequence.cachedLength));
    this.random.setState(snapshot.random);
  }

  protected restart(seed: number | undefined): void {
    if (seed !== undefined) this.seed = seed;
    this.tokens = [...this.promptIds];
    this.draftSequence.clear();
    this.targetSequence.clear();
    this.random = new SeededRandom(this.seed);
  }
}
