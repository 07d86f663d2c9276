/**
 * What every stepping session shares: a step record or a stop, an undo history, run-to-N.
 *
 * A step either happens completely (a record comes back and can be undone with back()) or not at
 * all (a stop comes back and nothing changed): sessions check every limit before they touch the
 * model, so reaching the context limit is an ordinary answer, not an exception.
 */

export type StopReason = 'context-full' | 'eos' | 'search-done';

export interface SessionStop {
  kind: 'stopped';
  reason: StopReason;
  /** A sentence for the reader: what happened and what to do. */
  message: string;
}

export interface SessionStep<Trace> {
  kind: 'step';
  /** 1 for the first step after the prompt. */
  index: number;
  /**
   * The token ids this step appended: one, several for a speculative round, or for beam search
   * the token each running beam gained (none on the step that ends the search).
   */
  tokens: number[];
  /**
   * Text for the reader when the session was given a decoder (null otherwise): the appended
   * tokens, or for beam search the best hypothesis so far.
   */
  text: string | null;
  /** The decoding core's trace of the step (see src/lib/decoding). */
  trace: Trace;
  /**
   * Wall time in milliseconds spent in each model's forward calls during this step, by role
   * (e.g. { model }, { expert, amateur }, { draft, target }). Not part of the trace: it differs
   * between runs that decide identically.
   */
  timing: Record<string, number>;
}

export type StepOutcome<Trace> = SessionStep<Trace> | SessionStop;

export interface RunResult<Trace> {
  steps: SessionStep<Trace>[];
  /** Why the run ended before reaching its target; null when it got there. */
  stop: SessionStop | null;
}

/**
 * The part every session implements alike. A subclass says how to take one step (`advance`),
 * how to capture the state a step changes (`snapshot`) and how to put it back (`restore`).
 */
export abstract class SteppingSession<Trace, Snapshot> {
  private readonly history: Snapshot[] = [];
  private busy = false;

  /** Tokens generated after the prompt so far. */
  abstract get generatedCount(): number;

  /**
   * Why the next step cannot happen (end-of-sequence generated, context full, search done),
   * known without a model call; null when it can.
   */
  protected abstract stopBeforeStep(): SessionStop | null;
  /** Takes one step; called only when stopBeforeStep() found nothing in the way. */
  protected abstract advance(): Promise<SessionStep<Trace>>;
  protected abstract snapshot(): Snapshot;
  protected abstract restore(snapshot: Snapshot): void;
  /** Back to the prompt, as newly constructed (a new seed where the session has randomness). */
  protected abstract restart(seed: number | undefined): void;

  /** Steps taken and not undone. */
  get stepCount(): number {
    return this.history.length;
  }

  /**
   * The stop the next step would answer, if it is already known: a caller can tell the reader
   * that the text ended with the step that ended it, not one click later.
   */
  get nextStop(): SessionStop | null {
    return this.stopBeforeStep();
  }

  async step(): Promise<StepOutcome<Trace>> {
    // The worker serialises requests; this guards against a caller that does not.
    if (this.busy) throw new Error('a step is already running in this session; wait for it before stepping again');
    const stop = this.stopBeforeStep();
    if (stop) return stop;
    this.busy = true;
    try {
      const before = this.snapshot();
      let outcome: StepOutcome<Trace>;
      try {
        outcome = await this.advance();
      } catch (error) {
        // A failed model call must not leave half a step behind (a longer cache than sequence).
        this.restore(before);
        throw error;
      }
      if (outcome.kind === 'step') this.history.push(before);
      return outcome;
    } finally {
      this.busy = false;
    }
  }

  /** Undoes the last step exactly (tokens, caches, random state); false when there is none. */
  back(): boolean {
    this.requireIdle('back');
    const before = this.history.pop();
    if (before === undefined) return false;
    this.restore(before);
    return true;
  }

  /** Returns to the prompt; `seed` replaces the seed of sessions that sample. */
  reset(seed?: number): void {
    this.requireIdle('reset');
    this.history.length = 0;
    this.restart(seed);
  }

  /** Steps until `generatedTokens` tokens exist after the prompt (a round may pass it) or a stop. */
  async runTo(generatedTokens: number): Promise<RunResult<Trace>> {
    if (!Number.isInteger(generatedTokens) || generatedTokens < 0) {
      throw new RangeError(`runTo needs an integer number of generated tokens >= 0, got ${generatedTokens}`);
    }
    const steps: SessionStep<Trace>[] = [];
    while (this.generatedCount < generatedTokens) {
      const outcome = await this.step();
      if (outcome.kind === 'stopped') return { steps, stop: outcome };
      steps.push(outcome);
    }
    return { steps, stop: null };
  }

  private requireIdle(what: string): void {
    if (this.busy) throw new Error(`cannot ${what} while a step is running; wait for it first`);
  }
}
