/**
 * Greedy decoding and sampling with every processor of the decoding core, one token per step on
 * one model through its KV cache. Temperature 0 is greedy and draws nothing.
 */
import {
  resolveSamplingOptions,
  sampleStep,
  SeededRandom,
  type RandomState,
  type ResolvedSamplingOptions,
  type SamplingOptions,
  type SamplingTrace,
} from '../decoding';
import { CachedSequence } from './cached-sequence';
import type { CausalLM, DecodeTokens } from './model';
import { checkedPrompt, decodeOrNull } from './prompt';
import { SteppingSession, type SessionStep, type SessionStop } from './session';
import { stopBeforeNextToken } from './stops';

export interface SamplingSessionOptions {
  promptIds: readonly number[];
  /** The core's sampling options; temperature 0 is greedy. Default: plain sampling at T = 1. */
  sampling?: SamplingOptions;
  /** Seed of the session's SeededRandom (default 0). */
  seed?: number;
  /** Length of the trace's top lists (default 10). */
  topN?: number;
  /** Stop after the end-of-sequence token, as generate() does (default true). */
  stopAtEos?: boolean;
  decode?: DecodeTokens;
}

interface Snapshot {
  tokens: number;
  cached: number;
  random: RandomState;
}

export class SamplingSession extends SteppingSession<SamplingTrace, Snapshot> {
  readonly promptIds: readonly number[];
  readonly sampling: ResolvedSamplingOptions;
  private tokens: number[];
  private readonly sequence: CachedSequence;
  private random: SeededRandom;
  private seed: number;

  constructor(
    readonly model: CausalLM,
    private readonly options: SamplingSessionOptions,
  ) {
    super();
    this.promptIds = checkedPrompt(options.promptIds, model.info);
    this.sampling = resolveSamplingOptions(options.sampling);
    this.tokens = [...this.promptIds];
    this.sequence = new CachedSequence(model);
    this.seed = options.seed ?? 0;
    this.random = new SeededRandom(this.seed);
  }

  get ids(): readonly number[] {
    return this.tokens;
  }

  get generatedCount(): number {
    return this.tokens.length - this.promptIds.length;
  }

  protected stopBeforeStep(): SessionStop | null {
    return stopBeforeNextToken(this.model.info, this.tokens, this.promptIds.length, this.options.stopAtEos ?? true);
  }

  protected async advance(): Promise<SessionStep<SamplingTrace>> {
    const { logits, ms } = await this.sequence.extend(this.tokens);
    const random = this.random.asFunction();
    const { token, trace } = sampleStep(logits[logits.length - 1], this.tokens, this.sampling, random, {
      topN: this.options.topN ?? 10,
    });
    this.tokens.push(token);
    return {
      kind: 'step',
      index: this.stepCount + 1,
      tokens: [token],
      text: decodeOrNull(this.options.decode, [token]),
      trace,
      timing: { model: ms },
    };
  }

  protected snapshot(): Snapshot {
    return { tokens: this.tokens.length, cached: this.sequence.cachedLength, random: this.random.getState() };
  }

  protected restore(snapshot: Snapshot): void {
    this.tokens = this.tokens.slice(0, snapshot.tokens);
    this.sequence.cropTo(snapshot.cached);
    this.random.setState(snapshot.random);
  }

  protected restart(seed: number | undefined): void {
    if (seed !== undefined) this.seed = seed;
    this.tokens = [...this.promptIds];
    this.sequence.clear();
    this.random = new SeededRandom(this.seed);
  }
}
