/**
 * Three sessions continuing one prompt side by side (greedy, nucleus, contrastive decoding),
 * stepped together through the page's shared model worker. Play runs each session on with
 * SessionHandle.runTo in short chunks, one method after the other, so the three texts grow
 * together and a pause takes effect within a chunk without cancelling a run half way (which
 * would leave the worker's session a step ahead of what the page shows).
 *
 * Only token ids and their text are kept: the repetition numbers are computed from the ids by
 * src/lib/metrics in the component.
 */
import type { RuntimeClient, SessionHandle } from '../../../lib/runtime/client';
import { isRuntimeError, type RuntimeErrorInfo } from '../../../lib/runtime/errors';
import { modelsOf, type DeviceChoice, type LoadProgress, type SessionSpec, type SessionStop, type StepMessage } from '../../../lib/runtime/protocol';
import { errorInfo, ModelSet } from '../shared/model-set.svelte';
import type { LiveStatus, Steppable } from '../shared/steppable';
import type { PrecomputedExample } from '../shared/precomputed';
import type { MethodKey } from './params';

/** Tokens each session runs per chunk while playing. */
const CHUNK = 8;

export interface Column {
  key: MethodKey;
  tokens: number[];
  texts: string[];
  stop: SessionStop | null;
}

const sameSpecs = (a: Record<MethodKey, SessionSpec>, b: Record<MethodKey, SessionSpec>): boolean => JSON.stringify(a) === JSON.stringify(b);

export class GenerationRace implements Steppable {
  status: LiveStatus = $state('waiting');
  error: RuntimeErrorInfo | null = $state(null);
  columns: Column[] = $state([]);
  promptIds: number[] = $state([]);
  cutTokens = $state(0);
  cutCharacters = $state(0);
  precomputedShown = $state(false);
  /** Model calls in flight: a count, so overlapping reopens keep the widget busy until the last ends. */
  private tasks = $state(0);
  playing = $state(false);
  /** How many tokens Play runs each method to. */
  length = $state(0);
  private specs: Record<MethodKey, SessionSpec>;
  private vocabulary: string[] | null = $state.raw(null);
  private readonly precomputedText: Record<number, string> = {};
  private client: RuntimeClient | null = null;
  private handles = new Map<MethodKey, SessionHandle>();
  private readonly models = new ModelSet();
  private generation = 0;
  /** The running Play loop, awaited before sessions are replaced. */
  private playLoop: Promise<void> = Promise.resolve();

  constructor(
    specs: Record<MethodKey, SessionSpec>,
    length: number,
    private readonly precomputed: Record<MethodKey, PrecomputedExample>,
  ) {
    this.specs = specs;
    this.length = length;
    for (const example of Object.values(precomputed)) Object.assign(this.precomputedText, example.tokenText);
    this.showPrecomputedIfMatching();
  }

  tokenText = (id: number): string => this.vocabulary?.[id] ?? this.precomputedText[id] ?? `#${id}`;

  private get keys(): MethodKey[] {
    return Object.keys(this.specs) as MethodKey[];
  }

  get progress(): LoadProgress | null {
    return this.models.progress;
  }

  get device(): DeviceChoice | null {
    return this.models.device;
  }

  /** Tokens generated so far by the longest column. */
  get stepCount(): number {
    return Math.max(0, ...this.columns.map((c) => c.tokens.length));
  }

  /** Set when every method stopped early (end of text or a full context). */
  get stop(): SessionStop | null {
    if (this.columns.length === 0 || this.columns.some((c) => c.stop === null)) return null;
    return { kind: 'stopped', reason: 'context-full', message: 'Every method has stopped; go back or reset to continue.' };
  }

  private get allStopped(): boolean {
    return this.columns.every((c) => c.stop !== null || c.tokens.length >= this.length);
  }

  get busy(): boolean {
    return this.tasks > 0;
  }

  get canStep(): boolean {
    return this.status === 'ready' && !this.busy && !this.playing && !this.allStopped;
  }

  get canBack(): boolean {
    return this.status === 'ready' && !this.busy && !this.playing && this.stepCount > 0;
  }

  /** Loads the models (each once), opens the three sessions and plays to the full length. */
  async start(): Promise<void> {
    if (this.status === 'loading' || this.status === 'ready') return;
    this.status = 'loading';
    this.error = null;
    try {
      await this.loadModels();
      this.status = 'ready';
      await this.reopen();
      this.play();
    } catch (error) {
      this.status = 'error';
      this.error = errorInfo(error);
    }
  }

  async retry(): Promise<void> {
    if (this.status !== 'error') return;
    await this.restart();
  }

  /** Everything again in the page's current worker: the models, the sessions and Play. */
  private async restart(): Promise<void> {
    await this.release();
    this.status = 'waiting';
    await this.start();
  }

  /** Stops a load in progress: its download is aborted, and Retry starts it again. */
  cancel(): void {
    this.models.cancel();
  }

  /** New parameters: new sessions, played to the full length. */
  async configure(specs: Record<MethodKey, SessionSpec>, length: number): Promise<void> {
    const lengthOnly = sameSpecs(specs, this.specs);
    this.length = length;
    if (lengthOnly) {
      if (this.status === 'ready' && this.stepCount > length) await this.backTo(length);
      return;
    }
    this.specs = specs;
    if (this.status !== 'ready') {
      this.showPrecomputedIfMatching();
      return;
    }
    this.pause();
    await this.playLoop;
    try {
      this.status = 'loading';
      await this.loadModels();
      this.status = 'ready';
    } catch (error) {
      this.status = 'error';
      this.error = errorInfo(error);
      return;
    }
    await this.reopen();
    this.play();
  }

  /** Loads the models the specs need (another amateur, after a change) and releases the rest. */
  private async loadModels(): Promise<void> {
    const { client, vocabulary } = await this.models.ensure([...new Set(this.keys.flatMap((k) => modelsOf(this.specs[k])))]);
    this.client = client;
    this.vocabulary = vocabulary;
  }

  /** One more token from every method that has not stopped. */
  async step(): Promise<void> {
    if (!this.canStep) return;
    // The sessions of this step: new parameters may replace this.handles while it runs.
    const handles = this.handles;
    await this.run(async () => {
      for (const column of this.columns) {
        if (column.stop || column.tokens.length >= this.length) continue;
        const reply = await handles.get(column.key)!.step();
        if (reply.kind === 'step') this.append(column, reply);
        else column.stop = reply;
      }
    });
  }

  /** One token fewer in every column that has one. */
  async back(): Promise<void> {
    this.pause();
    await this.playLoop;
    if (!this.canBack) return;
    await this.backTo(this.stepCount - 1);
  }

  async reset(): Promise<void> {
    this.pause();
    await this.playLoop;
    if (!this.canBack) return;
    await this.run(async () => {
      for (const column of this.columns) {
        await this.handles.get(column.key)!.reset();
        column.tokens = [];
        column.texts = [];
        column.stop = null;
      }
    });
  }

  play(): void {
    if (this.playing || this.status !== 'ready' || this.busy || this.allStopped) return;
    this.playing = true;
    const generation = this.generation;
    const loop = this.run(async () => {
      while (this.playing && generation === this.generation && !this.allStopped) {
        for (const column of this.columns) {
          if (!this.playing || generation !== this.generation) break;
          if (column.stop || column.tokens.length >= this.length) continue;
          const target = Math.min(this.length, column.tokens.length + CHUNK);
          const result = await this.handles.get(column.key)!.runTo(target, { onStep: (step) => this.append(column, step) });
          if (result.stop) column.stop = result.stop;
        }
      }
    }).finally(() => {
      // A restart may have begun a new loop meanwhile; its playing is not this loop's to end.
      if (this.playLoop === loop) this.playing = false;
    });
    this.playLoop = loop;
  }

  pause(): void {
    this.playing = false;
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  async release(): Promise<void> {
    this.pause();
    this.cancel();
    const handles = [...this.handles.values()];
    this.handles.clear();
    for (const handle of handles) await handle.dispose().catch(() => undefined);
    await this.models.release();
  }

  private append(column: Column, step: StepMessage): void {
    column.tokens = [...column.tokens, ...step.tokens];
    column.texts = [...column.texts, step.text ?? step.tokens.map(this.tokenText).join('')];
    // A step that ended the text (end-of-sequence, a full context) stops its column at once.
    column.stop = step.stopsHere ?? null;
  }

  private async backTo(count: number): Promise<void> {
    await this.run(async () => {
      for (const column of this.columns) {
        while (column.tokens.length > count) {
          await this.handles.get(column.key)!.back();
          column.tokens = column.tokens.slice(0, -1);
          column.texts = column.texts.slice(0, -1);
        }
        column.stop = null;
      }
    });
  }

  private showPrecomputedIfMatching(): void {
    const matches = this.keys.every((k) => JSON.stringify(this.precomputed[k]?.spec) === JSON.stringify(this.specs[k]));
    this.precomputedShown = matches;
    this.promptIds = matches ? this.precomputed[this.keys[0]].promptIds : [];
    this.columns = this.keys.map((key) => {
      const steps = matches ? this.precomputed[key].steps.slice(0, this.length) : [];
      return { key, tokens: steps.flatMap((s) => s.tokens), texts: steps.map((s) => s.text ?? ''), stop: steps.at(-1)?.stopsHere ?? null };
    });
  }

  /** Closes the old sessions and opens one per method, with empty columns. */
  private async reopen(): Promise<void> {
    if (!this.client) return;
    const generation = ++this.generation;
    await this.run(async () => {
      const old = [...this.handles.values()];
      this.handles.clear();
      for (const handle of old) await handle.dispose().catch(() => undefined);
      const opened = new Map<MethodKey, SessionHandle>();
      for (const key of this.keys) opened.set(key, await this.client!.open(this.specs[key]));
      if (generation !== this.generation) {
        for (const handle of opened.values()) await handle.dispose();
        return;
      }
      this.handles = opened;
      const first = opened.get(this.keys[0])!.opened;
      this.promptIds = first.promptIds;
      this.cutTokens = first.cutTokens;
      this.cutCharacters = first.cutCharacters;
      this.columns = this.keys.map((key) => ({ key, tokens: [], texts: [], stop: null }));
      this.precomputedShown = false;
    });
  }

  private async run(task: () => Promise<void>): Promise<void> {
    this.tasks++;
    this.error = null;
    let deviceLost = false;
    try {
      await task();
    } catch (error) {
      this.pause();
      deviceLost = isRuntimeError(error, 'device-lost');
      if (!deviceLost) this.error = errorInfo(error);
    } finally {
      this.tasks--;
    }
    // The worker went with its GPU device: the page's next worker runs on WASM (its device reason
    // says why), and the three texts are generated again there. Not awaited: a Play loop that
    // lost its device ends now, and the restart plays a new one.
    if (deviceLost) void this.restart();
  }
}
