/**
 * Contrastive decoding with two models sharing one tokenizer: an expert and an amateur (a smaller
 * model or an early checkpoint), each reading its own view of the text through its own KV cache.
 * The amateur sees the whole text ('full') or, as in Li et al.'s reference code, only the last
 * prompt token and the continuation ('ignorePrefix', the default). Deterministic (argmax).
 */
import {
  amateurContextIds,
  contrastiveScores,
  contrastiveStep,
  type AmateurContext,
  type ContrastiveOptions,
  type ContrastiveTrace,
} from '../decoding';
import { CachedSequence } from './cached-sequence';
import type { CausalLM, DecodeTokens } from './model';
import { checkedPrompt, decodeOrNull, requireSameVocabulary } from './prompt';
import { SteppingSession, type SessionStep, type SessionStop } from './session';
import { contextFull, fitsContext, stopBeforeNextToken } from './stops';

export interface ContrastiveSessionOptions {
  promptIds: readonly number[];
  contrastive: ContrastiveOptions;
  /** What the amateur reads (default 'ignorePrefix', the reference code's default). */
  amateurContext?: AmateurContext;
  topN?: number;
  maxHeadTokens?: number;
  stopAtEos?: boolean;
  decode?: DecodeTokens;
}

interface Snapshot {
  tokens: number;
  expertCached: number;
  amateurCached: number;
}

export class ContrastiveSession extends SteppingSession<ContrastiveTrace, Snapshot> {
  readonly promptIds: readonly number[];
  readonly amateurContext: AmateurContext;
  private tokens: number[];
  private readonly expertSequence: CachedSequence;
  private readonly amateurSequence: CachedSequence;

  constructor(
    readonly expert: CausalLM,
    readonly amateur: CausalLM,
    private readonly options: ContrastiveSessionOptions,
  ) {
    super();
    requireSameVocabulary(expert.info, amateur.info);
    this.promptIds = checkedPrompt(options.promptIds, expert.info);
    this.amateurContext = options.amateurContext ?? 'ignorePrefix';
    // Fail at construction, not at the first step: both calls validate their options.
    amateurContextIds(this.promptIds, [], this.amateurContext);
    contrastiveScores(new Float32Array(2), new Float32Array(2), options.contrastive);
    this.tokens = [...this.promptIds];
    this.expertSequence = new CachedSequence(expert);
    this.amateurSequence = new CachedSequence(amateur);
  }

  get ids(): readonly number[] {
    return this.tokens;
  }

  get generatedCount(): number {
    return this.tokens.length - this.promptIds.length;
  }

  /** The token ids the amateur reads at the next step. */
  get amateurIds(): number[] {
    return amateurContextIds(this.promptIds, this.tokens.slice(this.promptIds.length), this.amateurContext);
  }

  protected stopBeforeStep(): SessionStop | null {
    const stop = stopBeforeNextToken(this.expert.info, this.tokens, this.promptIds.length, this.options.stopAtEos ?? true);
    if (stop) return stop;
    const amateurIds = this.amateurIds;
    return fitsContext(this.amateur.info, amateurIds.length, 1) ? null : contextFull(this.amateur.info, amateurIds.length);
  }

  protected async advance(): Promise<SessionStep<ContrastiveTrace>> {
    const amateurIds = this.amateurIds;

    const expert = await this.expertSequence.extend(this.tokens);
    const amateur = await this.amateurSequence.extend(amateurIds);
    const { token, trace } = contrastiveStep(expert.logits[expert.logits.length - 1], amateur.logits[amateur.logits.length - 1], {
      ...this.options.contrastive,
      topN: this.options.topN ?? 10,
      maxHeadTokens: this.options.maxHeadTokens ?? 100,
    });
    this.tokens.push(token);
    return {
      kind: 'step',
      index: this.stepCount + 1,
      tokens: [token],
      text: decodeOrNull(this.options.decode, [token]),
      trace,
      timing: { expert: expert.ms, amateur: amateur.ms },
    };
  }

  protected snapshot(): Snapshot {
    return {
      tokens: this.tokens.length,
      expertCached: this.expertSequence.cachedLength,
      amateurCached: this.amateurSequence.cachedLength,
    };
  }

  protected restore(snapshot: Snapshot): void {
    this.tokens = this.tokens.slice(0, snapshot.tokens);
    this.expertSequence.cropTo(snapshot.expertCached);
    this.amateurSequence.cropTo(snapshot.amateurCached);
  }

  protected restart(): void {
    this.tokens = [...this.promptIds];
    this.expertSequence.clear();
    this.amateurSequence.clear();
  }
}
