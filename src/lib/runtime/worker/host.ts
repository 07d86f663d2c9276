/**
 * The worker's side of the protocol (protocol.ts): holds the loaded models and open sessions,
 * answers every request with exactly one result or error, and streams progress and traces.
 *
 * Loads run one at a time on one lane (transformers.js settings are global) and everything that
 * steps a model on another, so a long download does not hold up stepping a model already loaded.
 * A cancel is handled at once: a queued request is dropped, a download aborted, a step that was
 * running is undone when it finishes, and a run stops before its next step.
 *
 * If the GPU device of its WebGPU models is lost, the host says so once (a `device-lost`
 * message) and refuses every later request; the page replaces the worker (see gpu-loss.ts).
 */
import { cancelledError, deviceLostError, RuntimeError, type RuntimeErrorInfo } from '../errors';
import { addCosts, costsBetween, noCosts, type ForwardCosts } from '../model/forward-costs';
import type { LoadProgress, ReplayedSteps, RequestMessage, ResponseMessage, Requests, StepProfile, StepReply } from '../protocol';
import { findModel, type ModelEntry } from '../registry';
import { Lane } from './lane';
import { loadRegistryModel, type LoadedRegistryModel, type LoaderConfig } from './loader';
import { measureForward } from './measure';
import { openSession, type AnySession } from './open-session';
import { toMessage } from './step-message';

/** How long a failed run on WebGPU waits for a device loss to show before it is reported as is. */
const GPU_LOSS_GRACE_MS = 250;

/** Sends one message to the client (self.postMessage in the worker, a port in tests). */
export type PostResponse = (message: ResponseMessage) => void;

export interface HostConfig extends LoaderConfig {
  /** Registry entries beyond the built-in ones (tests point these at local servers). */
  extraModels?: readonly ModelEntry[];
  /** Least time between two progress messages of one load, in ms (default 100). */
  progressIntervalMs?: number;
}

interface ModelSlot {
  loaded: LoadedRegistryModel;
  references: number;
}

interface SessionSlot {
  session: AnySession;
  models: string[];
}

interface Active {
  controller: AbortController;
}

type Handler<T extends keyof Requests> = (
  message: Extract<RequestMessage, { type: T }>,
  active: Active,
) => Promise<Requests[T]['result']>;

export class WorkerHost {
  private readonly models = new Map<string, ModelSlot>();
  private readonly sessions = new Map<string, SessionSlot>();
  private readonly active = new Map<number, Active>();
  private readonly loadLane = new Lane();
  private readonly computeLane = new Lane();
  private gpuLost: string | null = null;

  constructor(
    private readonly post: PostResponse,
    private readonly config: HostConfig,
  ) {}

  /** Entry point: one request message from the client. */
  receive(message: RequestMessage): void {
    if (message.type === 'cancel') {
      const target = this.active.get(message.target);
      target?.controller.abort();
      this.reply(message.id, { cancelled: target !== undefined });
      return;
    }
    if (this.gpuLost !== null) {
      this.post({ id: message.id, type: 'error', error: deviceLostError(this.gpuLost) });
      return;
    }
    const active: Active = { controller: new AbortController() };
    this.active.set(message.id, active);
    const lane = message.type === 'load' ? this.loadLane : this.computeLane;
    lane
      .run(async () => {
        if (active.controller.signal.aborted) throw new RuntimeError(cancelledError(`The ${message.type} request`));
        return this.dispatch(message, active);
      })
      .then(
        (value) => this.reply(message.id, value),
        (error: unknown) => this.replyError(message.id, error),
      )
      .finally(() => this.active.delete(message.id));
  }

  private dispatch(message: RequestMessage, active: Active): Promise<unknown> {
    const handlers: { [T in keyof Requests]?: Handler<T> } = {
      load: (m, a) => this.load(m, a),
      vocabulary: (m) => this.vocabulary(m.model),
      open: (m, a) => this.open(m, a),
      step: (m, a) => this.step(m.session, a),
      back: async (m) => {
        const { session } = this.session(m.session);
        return { undone: session.back(), stepCount: session.stepCount };
      },
      reset: async (m) => {
        const { session } = this.session(m.session);
        session.reset(m.seed);
        return { stepCount: session.stepCount };
      },
      runTo: (m, a) => this.runTo(m, a),
      dispose: async (m) => this.dispose(m),
      measure: (m, a) => measureForward(this.model(m.model).loaded, m.contextTokens, m.repeats, a.controller.signal, m.bareOnly === true),
      stats: async () => ({
        models: [...this.models].map(([model, slot]) => ({ model, references: slot.references, device: slot.loaded.device.device })),
        sessions: this.sessions.size,
      }),
    };
    const handler = handlers[message.type] as Handler<typeof message.type> | undefined;
    if (!handler) throw this.invalid(`Unknown request type ${String((message as { type: unknown }).type)}.`);
    return handler(message as never, active);
  }

  private async load(message: Extract<RequestMessage, { type: 'load' }>, active: Active): Promise<Requests['load']['result']> {
    const entry = findModel(message.model, this.config.extraModels);
    if (!entry) throw this.invalid(`There is no model called "${message.model}".`);
    const preference = message.device ?? 'auto';
    const existing = this.models.get(entry.id);
    if (existing) {
      const device = existing.loaded.device.device;
      if (preference !== 'auto' && preference !== device && device !== 'cpu') {
        throw this.invalid(
          `${entry.label} is already loaded on ${device.toUpperCase()}.`,
          'Release it everywhere it is used before loading it on another device.',
        );
      }
      existing.references++;
      return this.loadResult(existing.loaded, true);
    }
    const interval = this.config.progressIntervalMs ?? 100;
    let lastSent = -Infinity;
    const post = (progress: LoadProgress): void => this.post({ id: message.id, type: 'progress', progress });
    const loaded = await loadRegistryModel(entry, preference, this.config, {
      signal: active.controller.signal,
      stallTimeoutMs: message.stallTimeoutMs,
      onGpuLost: (reason) => this.onGpuLost(reason),
      onProgress: (progress) => {
        const now = performance.now();
        const finished = progress.files.length > 0 && progress.files.every((file) => file.done);
        if (finished || now - lastSent >= interval) {
          lastSent = now;
          post(progress);
        }
      },
    });
    this.models.set(entry.id, { loaded, references: 1 });
    return this.loadResult(loaded, false);
  }

  /** The device under the WebGPU models went away: tell the page once, then refuse everything. */
  private onGpuLost(reason: string): void {
    // onnxruntime may let its device go once no WebGPU model is left: nothing is lost then.
    if (this.gpuLost !== null || ![...this.models.values()].some((slot) => slot.loaded.device.device === 'webgpu')) return;
    this.gpuLost = reason;
    for (const active of this.active.values()) active.controller.abort();
    this.post({ id: 0, type: 'device-lost', reason });
  }

  private loadResult(loaded: LoadedRegistryModel, shared: boolean): Requests['load']['result'] {
    const info = loaded.model.info;
    return {
      model: {
        model: loaded.entry.id,
        name: loaded.entry.label,
        vocabSize: info.vocabSize,
        numLayers: info.numLayers,
        contextLength: info.contextLength,
        eosTokenIds: [...info.eosTokenIds],
        hasLayerLogits: info.hasLayerLogits,
      },
      device: loaded.device,
      bytes: shared ? 0 : loaded.bytes,
      loadMs: loaded.loadMs,
      warmupMs: loaded.warmupMs,
      phases: loaded.phases,
      shared,
    };
  }

  private async vocabulary(model: string): Promise<string[]> {
    const { loaded } = this.model(model);
    return Array.from({ length: loaded.model.info.vocabSize }, (_, id) => loaded.decode([id]));
  }

  private async open(message: Extract<RequestMessage, { type: 'open' }>, active: Active): Promise<Requests['open']['result']> {
    const replaySteps = message.replaySteps ?? 0;
    if (!Number.isInteger(replaySteps) || replaySteps < 0) {
      throw this.invalid(`open needs a whole number of steps to replay >= 0, got ${String(message.replaySteps)}.`);
    }
    if (message.replaces !== undefined) this.sessions.delete(message.replaces);
    if (this.sessions.has(message.session)) throw this.invalid(`A session named ${message.session} is already open.`);
    const opened = openSession(message.spec, (id) => this.model(id).loaded);
    const slot: SessionSlot = { session: opened.session, models: opened.models };
    this.sessions.set(message.session, slot);
    const replayed: ReplayedSteps = { steps: [], stop: null };
    while (replayed.steps.length < replaySteps) {
      const reply = await this.stepOnce(slot);
      if (active.controller.signal.aborted) {
        // A newer change replaced this one while it replayed: nobody will use the session.
        this.sessions.delete(message.session);
        throw new RuntimeError(cancelledError(`The replay (after ${replayed.steps.length} steps)`));
      }
      if (reply.kind !== 'step') {
        replayed.stop = reply;
        break;
      }
      replayed.steps.push(reply);
      if (reply.stopsHere) {
        replayed.stop = reply.stopsHere;
        break;
      }
    }
    return { ...opened.opened, replayed };
  }

  /** One step of a session, with its profile. */
  private async stepOnce(slot: SessionSlot): Promise<StepReply> {
    const started = performance.now();
    const before = this.forwardCosts(slot);
    const outcome = await slot.session.step();
    return outcome.kind === 'step' ? toMessage(outcome, slot.session.nextStop, this.profile(slot, before, started)) : outcome;
  }

  private async step(sessionId: string, active: Active): Promise<Requests['step']['result']> {
    const slot = this.session(sessionId);
    const reply = await this.stepOnce(slot);
    if (active.controller.signal.aborted) {
      // The caller gave up on this step: leave the session as if it never ran.
      if (reply.kind === 'step') slot.session.back();
      throw new RuntimeError(cancelledError('The step'));
    }
    return reply;
  }

  /** Every forward cost so far of the models a session runs. */
  private forwardCosts(slot: SessionSlot): ForwardCosts {
    return [...new Set(slot.models)]
      .map((id) => this.models.get(id)?.loaded.model.forwardCosts() ?? noCosts())
      .reduce(addCosts, noCosts());
  }

  private profile(slot: SessionSlot, before: ForwardCosts, started: number): StepProfile {
    const { calls, ...phases } = costsBetween(before, this.forwardCosts(slot));
    return { workerMs: performance.now() - started, forwardCalls: calls, ...phases };
  }

  private async runTo(
    message: Extract<RequestMessage, { type: 'runTo' }>,
    active: Active,
  ): Promise<Requests['runTo']['result']> {
    const slot = this.session(message.session);
    const { session } = slot;
    if (!Number.isInteger(message.tokens) || message.tokens < 0) {
      throw this.invalid(`runTo needs a whole number of tokens >= 0, got ${String(message.tokens)}.`);
    }
    let steps = 0;
    while (session.generatedCount < message.tokens) {
      if (active.controller.signal.aborted) throw new RuntimeError(cancelledError(`The run (after ${steps} steps)`));
      const reply = await this.stepOnce(slot);
      if (reply.kind !== 'step') return { steps, stop: reply };
      if (active.controller.signal.aborted) {
        session.back();
        throw new RuntimeError(cancelledError(`The run (after ${steps} steps)`));
      }
      steps++;
      this.post({ id: message.id, type: 'trace', step: reply });
    }
    return { steps, stop: null };
  }

  private async dispose(message: Extract<RequestMessage, { type: 'dispose' }>): Promise<{ released: boolean }> {
    if (message.session !== undefined) return { released: this.sessions.delete(message.session) };
    if (message.model !== undefined) {
      const slot = this.models.get(message.model);
      if (!slot) return { released: false };
      slot.references--;
      if (slot.references > 0) return { released: false };
      for (const [id, session] of this.sessions) if (session.models.includes(message.model)) this.sessions.delete(id);
      this.models.delete(message.model);
      await slot.loaded.model.dispose();
      return { released: true };
    }
    throw this.invalid('dispose needs a session or a model.');
  }

  private model(id: string): ModelSlot {
    const slot = this.models.get(id);
    if (!slot) {
      throw new RuntimeError({
        kind: 'unknown-handle',
        message: `The model "${id}" is not loaded (never loaded, or released).`,
        action: 'Load the model first.',
      });
    }
    return slot;
  }

  private session(id: string): SessionSlot {
    const slot = this.sessions.get(id);
    if (!slot) {
      throw new RuntimeError({
        kind: 'unknown-handle',
        message: `The session "${id}" is not open (never opened, disposed, or its model was released).`,
        action: 'Open a new session.',
      });
    }
    return slot;
  }

  private invalid(message: string, action = 'Fix the request and try again.'): RuntimeError {
    return new RuntimeError({ kind: 'invalid-request', message, action });
  }

  private describe(error: unknown): RuntimeErrorInfo {
    if (error instanceof RuntimeError) return error.info;
    if (error instanceof RangeError) {
      return { kind: 'invalid-request', message: error.message, action: 'Change the setting named in the message and try again.' };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'internal', message: `The model worker failed: ${message}`, action: 'Reset the widget or reload the page.' };
  }

  /**
   * A model run that fails while WebGPU models are loaded may have failed because the device was
   * just lost: give the loss a moment to be noticed, so the caller hears 'device-lost' (and
   * recovers) rather than a raw onnxruntime error.
   */
  private async replyError(id: number, error: unknown): Promise<void> {
    const mayBeGpuLoss = !(error instanceof RuntimeError) && [...this.models.values()].some((slot) => slot.loaded.device.device === 'webgpu');
    if (mayBeGpuLoss && this.gpuLost === null) await new Promise((resolve) => setTimeout(resolve, GPU_LOSS_GRACE_MS));
    this.post({ id, type: 'error', error: this.gpuLost !== null ? deviceLostError(this.gpuLost) : this.describe(error) });
  }

  private reply(id: number, value: unknown): void {
    this.post({ id, type: 'result', value });
  }
}
