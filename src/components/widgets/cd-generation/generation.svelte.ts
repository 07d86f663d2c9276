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
import { browserRuntime } from '../../../lib/runtime/browser-runtime';
import type { RuntimeClient, SessionHandle } from '../../../lib/runtime/client';
import { isRuntimeError, type RuntimeErrorInfo } from '../../../lib/runtime/errors';
import { findModel } from '../../../lib/runtime/registry';
import { modelsOf, type DeviceChoice, type LoadProgress, type SessionSpec, type StepMessage } from '../../../lib/runtime/protocol';
import type { SessionStop } from '../../../lib/runtime/protocol';
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

function errorInfo(error: unknown): RuntimeErrorInfo {
  if (isRuntimeError(error)) return error.info;
  return { kind: 'internal', message: String(error instanceof Error ? error.message : error), action: 'Reset the widget or reload the page.' };
}

const sameSpecs = (a: Record<MethodKey, SessionSpec>, b: Record<MethodKey, SessionSpec>): boolean => JSON.stringify(a) === JSON.stringify(b);

export class GenerationRace implements Steppable {
  status: LiveStatus = $state('waiting');
  progress: LoadProgress | null = $state(null);
  device: DeviceChoice | null = $state(null);
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
  private loadedModels: string[] = [];
  private generation = 0;
  /** The running Play loop, awaited before sessions are replaced. */
  private playLoop: Promise<void> = Promise.resolve();
  private loadController: AbortController | null = null;

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
    this.client = browserRuntime();
    this.progress = null;
    try {
      await this.loadModels();
      this.vocabulary = await this.client.vocabulary(this.loadedModels[0]);
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
    this.loadController?.abort();
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

  /**
   * Loads the models the specs need that are not loaded yet (another amateur, after a change),
   * and releases those no longer needed, with the progress of the whole set.
   */
  private async loadModels(): Promise<void> {
    const client = this.client!;
    const models = [...new Set(this.keys.flatMap((k) => modelsOf(this.specs[k])))];
    const perModel = new Map<string, LoadProgress>();
    const controller = new AbortController();
    this.loadController = controller;
    try {
      for (const model of models) {
        if (this.loadedModels.includes(model)) continue;
        const loaded = await client.load(model, {
          signal: controller.signal,
          onProgress: (p) => {
            perModel.set(model, p);
            this.progress = combine(perModel, models);
          },
        });
        this.loadedModels.push(model);
        this.device = loaded.device;
      }
    } finally {
      if (this.loadController === controller) this.loadController = null;
    }
    for (const model of this.loadedModels.filter((m) => !models.includes(m))) {
      this.loadedModels.splice(this.loadedModels.indexOf(model), 1);
      await client.releaseModel(model).catch(() => undefined);
    }
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
    const client = this.client;
    const handles = [...this.handles.values()];
    this.handles.clear();
    if (!client) return;
    for (const handle of handles) await handle.dispose().catch(() => undefined);
    for (const model of this.loadedModels.splice(0)) await client.releaseModel(model).catch(() => undefined);
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

/** One progress over several models: models not started yet count with their registry size. */
function combine(parts: ReadonlyMap<string, LoadProgress>, models: string[]): LoadProgress {
  const all = [...parts.values()];
  return {
    model: models.join(' + '),
    files: all.flatMap((p) => p.files.map((f) => ({ ...f, file: `${p.model}/${f.file}` }))),
    loaded: all.reduce((sum, p) => sum + p.loaded, 0),
    total: models.reduce((sum, m) => sum + (parts.get(m)?.total ?? findModel(m)?.downloadBytes ?? 0), 0),
  };
}
