/**
 * Beam search on one model: every running beam is one row of a batched KV cache, and after each
 * step the cache rows are reordered so that row i holds the beam that new beam i extends
 * (`beamIndices` of the core's trace). Deterministic: no randomness.
 */
import {
  beamSearchStep,
  bestHypothesis,
  initBeamSearch,
  type BeamSearchOptions,
  type BeamSearchState,
  type BeamStepTrace,
} from '../decoding';
import type { CausalLM, DecodeTokens, KvCache } from './model';
import { checkedPrompt, decodeOrNull } from './prompt';
import { SteppingSession, type SessionStep, type SessionStop } from './session';
import { contextFull, fitsContext } from './stops';

export interface BeamSessionOptions {
  promptIds: readonly number[];
  numBeams: number;
  maxNewTokens: number;
  lengthPenalty?: number;
  repetitionPenalty?: number;
  noRepeatNgramSize?: number;
  /** End hypotheses at the model's end-of-sequence token (default true). */
  stopAtEos?: boolean;
  decode?: DecodeTokens;
}

/**
 * The cache kept per step for back(). A crop cannot undo a reorder (dropped beams are gone), so
 * the session keeps the cache each step started from: memory grows with the steps taken, which
 * maxNewTokens bounds.
 */
interface Snapshot {
  state: BeamSearchState;
  cache: KvCache | null;
}

function searchDone(state: BeamSearchState): SessionStop {
  return {
    kind: 'stopped',
    reason: 'search-done',
    message: `Beam search has finished (${String(state.doneReason)}). Reset to search again.`,
  };
}

/** The search reached the context's end: its running beams were scored as finished, as at max_length. */
function contextEnded(info: CausalLM['info'], tokens: number): SessionStop {
  const stop = contextFull(info, tokens);
  return { ...stop, message: `${stop.message} The running beams there were scored as finished hypotheses, as at max_length.` };
}

export class BeamSession extends SteppingSession<BeamStepTrace, Snapshot> {
  readonly promptIds: readonly number[];
  private state: BeamSearchState;
  /** Row i covers the prompt and running beam i's tokens except its last one. */
  private cache: KvCache | null = null;
  private readonly searchOptions: BeamSearchOptions;
  /** Whether the context, not maxNewTokens, bounds the search's length. */
  private readonly contextBound: boolean;

  constructor(
    readonly model: CausalLM,
    private readonly options: BeamSessionOptions,
  ) {
    super();
    this.promptIds = checkedPrompt(options.promptIds, model.info);
    // Like transformers at max_length, the search finalises its running beams when the text
    // reaches the context, rather than stopping with them unscored.
    const room = model.info.contextLength - this.promptIds.length;
    this.contextBound = Number.isInteger(options.maxNewTokens) && options.maxNewTokens > room;
    this.searchOptions = {
      numBeams: options.numBeams,
      maxNewTokens: this.contextBound ? room : options.maxNewTokens,
      lengthPenalty: options.lengthPenalty ?? 1,
      eosTokenId: (options.stopAtEos ?? true) ? model.info.eosTokenIds : null,
      promptIds: this.promptIds,
      repetitionPenalty: options.repetitionPenalty ?? 1,
      noRepeatNgramSize: options.noRepeatNgramSize ?? 0,
    };
    this.state = initBeamSearch(this.searchOptions);
  }

  get search(): BeamSearchState {
    return this.state;
  }

  get generatedCount(): number {
    return this.state.step;
  }

  protected stopBeforeStep(): SessionStop | null {
    if (this.state.done && this.contextBound && this.state.doneReason === 'max-new-tokens') {
      return contextEnded(this.model.info, this.promptIds.length + this.state.step);
    }
    if (this.state.done) return searchDone(this.state);
    const length = this.promptIds.length + this.state.step;
    return fitsContext(this.model.info, length, 1) ? null : contextFull(this.model.info, length);
  }

  protected async advance(): Promise<SessionStep<BeamStepTrace>> {
    const inputs =
      this.cache === null ? [[...this.promptIds]] : this.state.running.map((beam) => [beam.tokens[beam.tokens.length - 1]]);
    const start = performance.now();
    const result = await this.model.forward(inputs, this.cache);
    const ms = performance.now() - start;
    const rows = result.logits.map((positions) => positions[positions.length - 1]);
    const { state, trace } = beamSearchStep(this.state, rows);

    // The cache just computed is indexed by the old beams; the next step needs the new order.
    this.cache = state.done ? null : this.model.selectCacheRows(result.cache, trace.beamIndices);
    this.model.disposeCache(result.cache);
    this.state = state;
    const best = bestHypothesis(state);
    return {
      kind: 'step',
      index: this.stepCount + 1,
      tokens: trace.running.map((beam) => beam.tokens[beam.tokens.length - 1]),
      text: best ? decodeOrNull(this.options.decode, best.tokens) : null,
      trace,
      timing: { model: ms },
    };
  }

  protected snapshot(): Snapshot {
    return { state: this.state, cache: this.cache };
  }

  protected restore(snapshot: Snapshot): void {
    if (this.cache !== null && this.cache !== snapshot.cache) this.model.disposeCache(this.cache);
    this.state = snapshot.state;
    this.cache = snapshot.cache;
  }

  protected restart(): void {
    if (this.cache !== null) this.model.disposeCache(this.cache);
    this.cache = null;
    this.state = initBeamSearch(this.searchOptions);
  }
}
