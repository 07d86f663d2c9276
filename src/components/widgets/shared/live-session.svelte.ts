/**
 * The state of one live widget: its models (loaded through the page's shared worker), its
 * session, the steps taken, and what to tell the reader (progress, device, errors, stops).
 *
 * A widget shows its precomputed example at once; when the models are ready the same example is
 * stepped live and replaces it. Changing a parameter opens a new session and replays it to the
 * same number of steps, so the view follows the sliders.
 *
 * A load can be cancelled (Retry loads again). If the worker loses its GPU device, the widget
 * loads its models again in the page's next worker, on WASM, and replays its steps there.
 */
import type { RuntimeClient, SessionHandle } from '../../../lib/runtime/client';
import { isRuntimeError, type RuntimeErrorInfo } from '../../../lib/runtime/errors';
import {
  modelsOf,
  type DeviceChoice,
  type DevicePreference,
  type LoadProgress,
  type OpenResult,
  type SessionSpec,
  type SessionStop,
  type StepMessage,
} from '../../../lib/runtime/protocol';
import { errorInfo, ModelSet } from './model-set.svelte';
import { Player } from './player.svelte';
import type { PrecomputedExample } from './precomputed';
import type { LiveStatus, Steppable } from './steppable';

export type { LiveStatus } from './steppable';

/** Milliseconds between steps while playing. */
const PLAY_INTERVAL_MS = 350;

export interface LiveSessionOptions {
  /** Milliseconds between steps while playing (default 350). */
  playIntervalMs?: number;
  /** The most steps the session takes (default: no limit but the session's own stops). */
  limit?: number;
  /** The page's current worker (default: the shared browser runtime; tests pass their own). */
  runtime?: () => RuntimeClient;
}

export function sameSpec(a: SessionSpec, b: SessionSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class LiveSession implements Steppable {
  status: LiveStatus = $state('waiting');
  error: RuntimeErrorInfo | null = $state(null);
  steps: StepMessage[] = $state([]);
  stop: SessionStop | null = $state(null);
  opened: OpenResult | null = $state(null);
  /** True while the steps shown are the precomputed example, not a live session. */
  precomputedShown = $state(false);
  spec: SessionSpec = $state.raw(null as unknown as SessionSpec);
  /** The most steps shown: Step and Play stop there (a long generation's chosen length). */
  limit = $state(Number.POSITIVE_INFINITY);
  private vocabulary: string[] | null = $state.raw(null);

  private client: RuntimeClient | null = null;
  private handle: SessionHandle | null = null;
  private readonly models: ModelSet;
  private generation = 0;
  /**
   * Model calls in flight. A count, not a flag: quick parameter changes start a new replay while
   * the last one runs, and the widget must stay busy (no Step) until every one has finished.
   */
  private tasks = $state(0);
  private readonly player: Player;

  constructor(
    spec: SessionSpec,
    private readonly precomputed: PrecomputedExample | null = null,
    devicePreference: DevicePreference = 'auto',
    options: LiveSessionOptions = {},
  ) {
    this.spec = spec;
    this.models = new ModelSet(devicePreference, options.runtime);
    this.player = new Player(() => this.step(), () => this.canStep, options.playIntervalMs ?? PLAY_INTERVAL_MS);
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.showPrecomputedIfMatching();
  }

  /** The text of a token id: the live vocabulary, else the precomputed example's, else its id. */
  tokenText = (id: number): string => this.vocabulary?.[id] ?? this.precomputed?.tokenText[id] ?? `#${id}`;

  get promptIds(): number[] {
    return this.opened?.promptIds ?? (this.precomputedShown ? (this.precomputed?.promptIds ?? []) : []);
  }

  get stepCount(): number {
    return this.steps.length;
  }

  get progress(): LoadProgress | null {
    return this.models.progress;
  }

  get device(): DeviceChoice | null {
    return this.models.device;
  }

  get cutTokens(): number {
    return this.opened?.cutTokens ?? 0;
  }

  get cutCharacters(): number {
    return this.opened?.cutCharacters ?? 0;
  }

  get busy(): boolean {
    return this.tasks > 0;
  }

  get canStep(): boolean {
    return this.status === 'ready' && !this.busy && this.stop === null && this.steps.length < this.limit;
  }

  /** Loads the models (once) and opens the session; called when the widget scrolls into view. */
  async start(): Promise<void> {
    if (this.status === 'loading' || this.status === 'ready') return;
    if (await this.loadModels()) await this.reopen(this.precomputedShown ? this.steps.length : 0);
  }

  /**
   * Makes the loaded models those the spec needs: loads the missing ones (with progress) and
   * releases the ones no longer used, so switching models frees their memory. A worker that
   * closed (it lost its GPU device, or crashed) took this widget's session with it.
   */
  private async loadModels(): Promise<boolean> {
    this.status = 'loading';
    this.error = null;
    if (this.models.worker().replaced) this.handle = null;
    try {
      const wantedNow = (): string[] => [...new Set(modelsOf(this.spec))];
      for (;;) {
        const wanted = wantedNow();
        const { client, vocabulary } = await this.models.ensure(wanted);
        // configure() may have named other models while these loaded (a reader accepting a Hub
        // pair during the first load): load those too before a session opens on them.
        if (wantedNow().join() !== wanted.join()) continue;
        this.client = client;
        this.vocabulary = vocabulary;
        this.status = 'ready';
        return true;
      }
    } catch (error) {
      this.status = 'error';
      this.error = errorInfo(error);
      return false;
    }
  }

  /** Stops a load in progress: its download is aborted, and Retry starts it again. */
  cancel(): void {
    this.models.cancel();
  }

  /** Retry after a failed or cancelled load: as start, replaying the example still on show. */
  async retry(): Promise<void> {
    if (this.status !== 'error') return;
    if (await this.loadModels()) await this.reopen(this.precomputedShown ? this.steps.length : 0);
  }

  /** New parameters: a new session (with new models if it names others), replayed to the same number of steps. */
  async configure(spec: SessionSpec): Promise<void> {
    if (sameSpec(spec, this.spec)) return;
    const keep = this.steps.length;
    const modelsChanged = modelsOf(spec).join() !== modelsOf(this.spec).join();
    this.spec = spec;
    if (this.status !== 'ready') {
      this.showPrecomputedIfMatching();
      return;
    }
    if (modelsChanged) {
      this.pause();
      this.generation++;
      // Loading from here on: while the old session is disposed, a step still running on it may
      // reply, and Step must not come back on for the old models in between.
      this.status = 'loading';
      const old = this.handle;
      this.handle = null;
      await old?.dispose().catch(() => undefined);
      this.steps = [];
      this.stop = null;
      this.opened = null;
      if (!(await this.loadModels())) return;
      await this.reopen(0);
      return;
    }
    await this.reopen(keep);
  }

  async step(): Promise<void> {
    if (!this.canStep || !this.handle) return;
    const generation = this.generation;
    await this.run(async (handle) => {
      const reply = await handle.step();
      // New parameters replaced the session while this step ran: its reply belongs to the old one.
      if (generation !== this.generation) return;
      if (reply.kind === 'step') {
        this.steps = [...this.steps, reply];
        this.stop = reply.stopsHere ?? null;
      } else this.stop = reply;
    });
  }

  /**
   * Up to `count` more steps in one request (fewer at the limit or a stop), each shown as it
   * arrives: Play of a long generation, where a step per request would cost a round trip each.
   */
  async advance(count: number): Promise<void> {
    if (!this.canStep || !this.handle) return;
    const generation = this.generation;
    // runTo counts tokens; a step emits at least one, so this takes at most `count` steps.
    const generated = this.steps.reduce((sum, step) => sum + step.tokens.length, 0);
    const target = generated + Math.min(count, this.limit - this.steps.length);
    await this.run(async (handle) => {
      const result = await handle.runTo(target, {
        onStep: (step) => {
          if (generation !== this.generation) return;
          this.steps = [...this.steps, step];
          this.stop = step.stopsHere ?? null;
        },
      });
      if (generation === this.generation && result.stop) this.stop = result.stop;
    });
  }

  /** A new limit; steps beyond it go, in one request (the session is reopened and replayed to it). */
  async setLimit(limit: number): Promise<void> {
    if (limit === this.limit) return;
    this.limit = limit;
    if (this.status !== 'ready') {
      this.showPrecomputedIfMatching();
      return;
    }
    if (this.steps.length > limit) await this.reopen(limit);
  }

  async back(): Promise<void> {
    if (this.status !== 'ready' || this.busy || !this.handle) return;
    this.pause();
    const generation = this.generation;
    await this.run(async (handle) => {
      const { undone } = await handle.back();
      if (generation !== this.generation) return;
      if (undone) this.steps = this.steps.slice(0, -1);
      this.stop = null;
    });
  }

  async reset(): Promise<void> {
    if (this.status !== 'ready' || this.busy || !this.handle) return;
    this.pause();
    const generation = this.generation;
    await this.run(async (handle) => {
      await handle.reset();
      if (generation !== this.generation) return;
      this.steps = [];
      this.stop = null;
    });
  }

  get playing(): boolean {
    return this.player.playing;
  }

  play(): void {
    this.player.play();
  }

  pause(): void {
    this.player.pause();
  }

  togglePlay(): void {
    this.player.toggle();
  }

  /** Closes the session and releases this widget's references to its models. */
  async release(): Promise<void> {
    this.pause();
    this.cancel();
    const handle = this.handle;
    this.handle = null;
    await handle?.dispose().catch(() => undefined);
    await this.models.release();
  }

  private showPrecomputedIfMatching(): void {
    if (this.precomputed && sameSpec(this.precomputed.spec, this.spec)) {
      this.steps = this.precomputed.steps.slice(0, this.limit);
      this.precomputedShown = true;
    } else {
      this.steps = [];
      this.precomputedShown = false;
    }
    this.stop = this.steps.at(-1)?.stopsHere ?? null;
  }

  private async reopen(replaySteps: number): Promise<void> {
    if (!this.client) return;
    this.pause();
    const generation = ++this.generation;
    await this.run(async () => {
      const old = this.handle;
      this.handle = null;
      const client = this.client!;
      // One request: the worker disposes the old session, opens the new one and replays it.
      const replaces = old?.isOf(client) ? old : undefined;
      if (old && !replaces) await old.dispose().catch(() => undefined);
      // Not cancelled when a newer change comes: a session the worker opened after the cancel
      // was sent would never be disposed. The reply is dropped below instead.
      const handle = await client.open(this.spec, { replaces, replaySteps });
      if (generation !== this.generation) {
        await handle.dispose();
        return;
      }
      this.handle = handle;
      this.opened = handle.opened;
      this.steps = handle.replayed.steps;
      this.stop = handle.replayed.stop;
      this.precomputedShown = false;
    });
  }

  private async run(task: (handle: SessionHandle) => Promise<void>): Promise<void> {
    const generation = this.generation;
    this.tasks++;
    this.error = null;
    let deviceLost = false;
    try {
      await task(this.handle as SessionHandle);
    } catch (error) {
      // A newer change (a slider dragged on, a new prompt) replaced the session while this task
      // ran, and disposing it is what failed the task: that session is gone on purpose.
      if (generation !== this.generation) return;
      this.pause();
      deviceLost = isRuntimeError(error, 'device-lost');
      if (!deviceLost) this.error = errorInfo(error);
    } finally {
      this.tasks--;
    }
    if (deviceLost) await this.recoverOnWasm();
  }

  /**
   * The GPU device went, and the worker with it: load the models again in the page's next
   * worker (which runs on WASM, and its device reason says why) and replay the steps shown.
   */
  private async recoverOnWasm(): Promise<void> {
    const keep = this.precomputedShown ? 0 : this.steps.length;
    this.generation++;
    if (await this.loadModels()) await this.reopen(keep);
  }
}
