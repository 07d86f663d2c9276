/**
 * DoLa on one model whose export has early-exit logits (layer_logits): each step contrasts the
 * final layer with a premature one, chosen per token among a bucket of candidates (dynamic) or
 * fixed (static: a one-layer list). Deterministic (argmax).
 */
import { dolaCandidateLayers, dolaScores, dolaStep, type DolaBucket, type DolaDivergence, type DolaTrace } from '../decoding';
import { CachedSequence } from './cached-sequence';
import type { CausalLM, DecodeTokens } from './model';
import { checkedPrompt, decodeOrNull } from './prompt';
import { SteppingSession, type SessionStep, type SessionStop } from './session';
import { stopBeforeNextToken } from './stops';

export interface DolaSessionOptions {
  promptIds: readonly number[];
  /** 'low' or 'high' (the reference buckets for this model's depth and embedding tying) or explicit layers. */
  layers: DolaBucket;
  divergence?: DolaDivergence;
  relativeTop?: number;
  /** 1 (default) is off; DoLa recommends 1.2. */
  repetitionPenalty?: number;
  topN?: number;
  maxHeadTokens?: number;
  stopAtEos?: boolean;
  decode?: DecodeTokens;
}

interface Snapshot {
  tokens: number;
  cached: number;
}

export class DolaSession extends SteppingSession<DolaTrace, Snapshot> {
  readonly promptIds: readonly number[];
  readonly candidateLayers: number[];
  private tokens: number[];
  private readonly sequence: CachedSequence;

  constructor(
    readonly model: CausalLM,
    private readonly options: DolaSessionOptions,
  ) {
    super();
    const info = model.info;
    if (!info.hasLayerLogits) {
      throw new RangeError(`DoLa needs early-exit logits for every layer, and ${info.name} was exported without layer_logits`);
    }
    this.promptIds = checkedPrompt(options.promptIds, info);
    this.candidateLayers = dolaCandidateLayers(info.numLayers, options.layers, info.tiedEmbeddings);
    if (this.candidateLayers.length === 0) {
      throw new RangeError(
        `the DoLa bucket ${JSON.stringify(options.layers)} holds no layer below the final one for ${info.name} ` +
          `(${info.numLayers} layers, ${info.tiedEmbeddings ? 'tied' : 'untied'} embeddings): choose other layers`,
      );
    }
    // Fail at construction, not at the first step: dolaScores validates divergence and relativeTop.
    const probe = Array.from({ length: info.numLayers + 1 }, () => new Float32Array(2));
    dolaScores(probe, {
      candidateLayers: this.candidateLayers,
      divergence: options.divergence,
      relativeTop: options.relativeTop,
    });
    this.tokens = [...this.promptIds];
    this.sequence = new CachedSequence(model);
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

  protected async advance(): Promise<SessionStep<DolaTrace>> {
    const info = this.model.info;
    const { layerLogits, ms } = await this.sequence.extend(this.tokens, { layerLogits: true });
    if (layerLogits === null) throw new Error(`${info.name} returned no layer_logits although its export declares them`);
    const { token, trace } = dolaStep(layerLogits, {
      candidateLayers: this.candidateLayers,
      divergence: this.options.divergence,
      relativeTop: this.options.relativeTop,
      contextIds: this.tokens,
      repetitionPenalty: this.options.repetitionPenalty,
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
      timing: { model: ms },
    };
  }

  protected snapshot(): Snapshot {
    return { tokens: this.tokens.length, cached: this.sequence.cachedLength };
  }

  protected restore(snapshot: Snapshot): void {
    this.tokens = this.tokens.slice(0, snapshot.tokens);
    this.sequence.cropTo(snapshot.cached);
  }

  protected restart(): void {
    this.tokens = [...this.promptIds];
    this.sequence.clear();
  }
}
