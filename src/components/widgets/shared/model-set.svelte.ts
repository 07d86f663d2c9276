/**
 * The models one widget holds in the page's shared worker: it loads those its sessions need
 * (each once, with one progress over all of them), releases those no longer needed, stops a load
 * on cancel, and forgets everything when the worker it used has closed (a lost GPU device, a
 * crash), since the models went with that worker. Each LiveSession holds one.
 */
import { browserRuntime } from '../../../lib/runtime/browser-runtime';
import type { RuntimeClient } from '../../../lib/runtime/client';
import { isRuntimeError, type RuntimeErrorInfo } from '../../../lib/runtime/errors';
import type { DeviceChoice, DevicePreference, LoadProgress } from '../../../lib/runtime/protocol';
import { findModel } from '../../../lib/runtime/registry';

export class ModelSet {
  progress: LoadProgress | null = $state(null);
  device: DeviceChoice | null = $state(null);
  private loaded: string[] = [];
  private client: RuntimeClient | null = null;
  private controller: AbortController | null = null;

  /** `runtime` gives the page's current worker (tests pass a runtime over a MessageChannel). */
  constructor(
    private readonly devicePreference: DevicePreference = 'auto',
    private readonly runtime: () => RuntimeClient = browserRuntime,
  ) {}

  /**
   * The page's current worker. `replaced` is true when the one this set used has closed: its
   * models (and any session opened on it) are gone.
   */
  worker(): { client: RuntimeClient; replaced: boolean } {
    const replaced = this.client?.closed ?? false;
    if (replaced) this.loaded = [];
    this.client = this.runtime();
    return { client: this.client, replaced };
  }

  /**
   * Makes `wanted` the loaded models, and reads the vocabulary of the first; rejects with the
   * load's RuntimeError (a cancel included).
   */
  async ensure(wanted: readonly string[]): Promise<{ client: RuntimeClient; vocabulary: string[] }> {
    const { client } = this.worker();
    this.progress = null;
    const perModel = new Map<string, LoadProgress>();
    const controller = new AbortController();
    this.controller = controller;
    try {
      for (const model of this.loaded.filter((m) => !wanted.includes(m))) {
        this.loaded.splice(this.loaded.indexOf(model), 1);
        await client.releaseModel(model).catch(() => undefined);
      }
      for (const model of wanted.filter((m) => !this.loaded.includes(m))) {
        const result = await client.load(model, {
          device: this.devicePreference,
          signal: controller.signal,
          onProgress: (p) => {
            perModel.set(model, p);
            this.progress = combineProgress(perModel, wanted);
          },
        });
        this.loaded.push(model);
        this.device = result.device;
      }
      return { client, vocabulary: await client.vocabulary(wanted[0], { signal: controller.signal }) };
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  /** Stops a load in progress: its download is aborted and `ensure` rejects as cancelled. */
  cancel(): void {
    this.controller?.abort();
  }

  /** Releases every model this set holds. */
  async release(): Promise<void> {
    this.cancel();
    const client = this.client;
    if (!client) return;
    for (const model of this.loaded.splice(0)) await client.releaseModel(model).catch(() => undefined);
  }
}

/** What a widget shows for a failure: the runtime's own message and action, or an internal error. */
export function errorInfo(error: unknown): RuntimeErrorInfo {
  if (isRuntimeError(error)) return error.info;
  return { kind: 'internal', message: String(error instanceof Error ? error.message : error), action: 'Reset the widget or reload the page.' };
}

/** One progress over several models: models not started yet count with their registry size. */
function combineProgress(parts: ReadonlyMap<string, LoadProgress>, models: readonly string[]): LoadProgress {
  const all = [...parts.values()];
  return {
    model: models.join(' + '),
    files: all.flatMap((p) => p.files.map((f) => ({ ...f, file: `${p.model}/${f.file}` }))),
    loaded: all.reduce((sum, p) => sum + p.loaded, 0),
    total: models.reduce((sum, m) => sum + (parts.get(m)?.total ?? findModel(m)?.downloadBytes ?? 0), 0),
  };
}
