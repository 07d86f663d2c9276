/**
 * Loads a registry model with transformers.js: from the site's own models folder (bundled) or
 * from a Hub-layout host, with per-file and total progress in bytes, the browser cache, a chosen
 * device, cancellation, and one warm-up forward pass.
 *
 * transformers.js keeps its settings in one global `env`; the host runs loads one at a time, and
 * each load sets every setting it depends on before it starts.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { DeviceChoice, DevicePreference, FileProgress, LoadPhases, LoadProgress, WasmThreads } from '../protocol';
import type { ModelEntry } from '../registry';
import { wrapPretrained, type LoadedModel } from '../model/load-bundled-model';
import { classifyLoadError } from './classify-error';
import { cacheNameFor, forgetCachedFiles, pruneOldCaches } from './browser-cache';
import { chooseDevice, currentEnvironment, DeviceUnavailable, type DeviceEnvironment } from './device';
import { FetchWatch } from './fetch-watch';
import { withLayerLens, type LensOutcome } from './lens-fetch';
import { weightFile } from '../hub-listing';
import { watchGpuDevice } from './gpu-loss';
import type { OrtBuild } from './ort-files';
import { onnxRuntimeRequested, startOnnxRuntime } from './start-runtime';
import { wasmThreads } from './wasm-threads';
import { RuntimeError } from '../errors';

export interface LoaderConfig {
  /** Absolute URL of the folder with one sub-folder per bundled model, ending in '/'. */
  bundledBaseUrl: string;
  /** Absolute URL of the Hub (or a server in its URL layout), ending in '/'. */
  hubHost: string;
  /** Keep downloaded files in the browser's Cache API (so a second visit loads from it). */
  useBrowserCache: boolean;
  /**
   * Where onnxruntime-web finds the .wasm and .mjs files of each of its builds (the site serves
   * them itself): the plain one for WASM, the larger one that also runs WebGPU.
   */
  wasmPaths?: Readonly<Record<OrtBuild, { mjs: string; wasm: string }>>;
  /**
   * Node only: the folder transformers.js downloads into (in Node it loads ONNX files from disk,
   * so a remote model must pass through a file cache). Browsers ignore it.
   */
  nodeCacheDir?: string;
  /**
   * Milliseconds a download may go without data before it fails as stalled (default 30 s); a
   * load request may give its own.
   */
  stallTimeoutMs?: number;
  /** For tests: the device environment to assume. */
  environment?: DeviceEnvironment;
  fetch?: typeof fetch;
}

export interface LoadedRegistryModel extends LoadedModel {
  entry: ModelEntry;
  device: DeviceChoice;
  /** For a Hub model without layer_logits: whether the layer lens extended its graph, and if not why. */
  lens: LensOutcome | null;
  bytes: number;
  loadMs: number;
  warmupMs: number;
  phases: LoadPhases;
}

export interface LoadCallbacks {
  signal: AbortSignal;
  onProgress: (progress: LoadProgress) => void;
  /** This load's stall timeout, overriding the config's. */
  stallTimeoutMs?: number;
  /** Called once if the GPU device a model was loaded on is later lost. */
  onGpuLost?: (reason: string) => void;
}

interface ProgressInfo {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/**
 * The onnxruntime-web build this worker started (or was about to start) with its first model: it
 * starts once per worker and cannot be swapped.
 */
let startedBuild: OrtBuild | null = null;

/** The fetch transformers.js uses for this model: Hub exports without layer_logits get the layer lens on their weights. */
function modelFetch(entry: ModelEntry, watch: FetchWatch, onLens: (outcome: LensOutcome) => void): typeof fetch {
  if (entry.source.kind !== 'hub' || entry.layerLogits) return watch.fetch;
  const weights = `/${weightFile(entry.dtype)}`;
  return withLayerLens(watch.fetch, (url) => new URL(url).pathname.endsWith(weights), onLens);
}

function configureEnvironment(entry: ModelEntry, config: LoaderConfig, fetchModel: typeof fetch, device: DeviceChoice): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.useBrowserCache = config.useBrowserCache;
  env.cacheKey = cacheNameFor(entry);
  env.useFSCache = config.nodeCacheDir !== undefined;
  if (config.nodeCacheDir !== undefined) env.cacheDir = config.nodeCacheDir;
  env.fetch = fetchModel;
  if (entry.source.kind === 'bundled') {
    env.remoteHost = config.bundledBaseUrl;
    env.remotePathTemplate = '{model}/';
  } else {
    env.remoteHost = config.hubHost;
    env.remotePathTemplate = '{model}/resolve/{revision}/';
  }
  const wasm = env.backends.onnx.wasm;
  if (config.wasmPaths && wasm && device.device !== 'cpu') {
    startedBuild ??= device.device;
    // A copy: onnxruntime writes into the object it is given.
    wasm.wasmPaths = { ...config.wasmPaths[startedBuild] };
    // Otherwise transformers.js copies onnxruntime's loader into the Cache API and imports it from a
    // blob: URL, which the site's Content-Security-Policy forbids (script-src 'self'). Imported from
    // <base>ort/ directly, both files still stay in the browser's HTTP cache.
    env.useWasmCache = false;
    // Set before onnxruntime starts (its first session); later loads cannot change it.
    wasm.numThreads ??= wasmThreads().threads;
  }
}

class ProgressTracker {
  private readonly files = new Map<string, FileProgress>();
  /** performance.now() when the last of the model's weight files (.onnx, .onnx_data) was read to its end. */
  weightsReadAt = Number.NaN;

  constructor(
    private readonly entry: ModelEntry,
    private readonly emit: (progress: LoadProgress) => void,
  ) {}

  readonly callback = (info: ProgressInfo): void => {
    if (!info.file) return;
    const file = this.files.get(info.file) ?? { file: info.file, loaded: 0, total: 0, done: false };
    if (info.status === 'progress') {
      file.loaded = info.loaded ?? file.loaded;
      file.total = info.total ?? file.total;
    } else if (info.status === 'done') {
      file.done = true;
      if (/\.onnx(_data)?$/.test(info.file)) this.weightsReadAt = performance.now();
      file.total = Math.max(file.total, file.loaded);
    } else if (info.status !== 'initiate' && info.status !== 'download') {
      return;
    }
    this.files.set(info.file, file);
    this.emit(this.snapshot());
  };

  snapshot(): LoadProgress {
    const files = [...this.files.values()].map((file) => ({ ...file }));
    const loaded = files.reduce((sum, file) => sum + file.loaded, 0);
    const known = files.reduce((sum, file) => sum + file.total, 0);
    const allDone = files.length > 0 && files.every((file) => file.done);
    return { model: this.entry.id, files, loaded, total: allDone ? known : Math.max(known, this.entry.downloadBytes) };
  }

  bytesFetched(fetched: ReadonlySet<string>): number {
    let bytes = 0;
    for (const file of this.files.values()) {
      if ([...fetched].some((url) => url.endsWith(`/${file.file}`))) bytes += file.loaded;
    }
    return bytes;
  }
}

async function fromPretrained(
  entry: ModelEntry,
  device: DeviceChoice,
  progress: (info: ProgressInfo) => void,
): Promise<[PreTrainedTokenizer, PreTrainedModel]> {
  const name = entry.source.kind === 'bundled' ? entry.source.folder : entry.source.repo;
  const revision = entry.source.kind === 'hub' ? entry.source.revision : 'main';
  const options = { progress_callback: progress, revision };
  // Wait for both, so that nothing of a failed load still runs (or writes) after the error.
  const [tokenizer, model] = await Promise.allSettled([
    AutoTokenizer.from_pretrained(name, options),
    AutoModelForCausalLM.from_pretrained(name, {
      ...options,
      dtype: entry.dtype,
      ...(device.device === 'cpu' ? {} : { device: device.device }),
    }),
  ]);
  if (tokenizer.status === 'fulfilled' && model.status === 'fulfilled') return [tokenizer.value, model.value];
  if (model.status === 'fulfilled') await model.value.dispose();
  throw tokenizer.status === 'rejected' ? tokenizer.reason : (model as PromiseRejectedResult).reason;
}

function modelBaseUrl(entry: ModelEntry, config: LoaderConfig): string {
  return entry.source.kind === 'bundled'
    ? `${config.bundledBaseUrl}${entry.source.folder}/`
    : `${config.hubHost}${entry.source.repo}/resolve/${entry.source.revision}/`;
}

let prunedOldCaches = false;

/** A load failure as RuntimeError; a damaged file is dropped from the cache so a retry refetches it. */
async function failure(error: unknown, entry: ModelEntry, config: LoaderConfig, watch: FetchWatch, cancelled: boolean): Promise<RuntimeError> {
  const info = classifyLoadError(error, entry, watch, cancelled);
  if (info.kind === 'corrupt' && config.useBrowserCache) {
    const removed = await forgetCachedFiles(entry, modelBaseUrl(entry, config)).catch(() => 0);
    if (removed > 0) info.action = `The damaged copy was removed from this browser's cache: retry to download it again.`;
  }
  return new RuntimeError(info);
}

export async function loadRegistryModel(
  entry: ModelEntry,
  preference: DevicePreference,
  config: LoaderConfig,
  callbacks: LoadCallbacks,
): Promise<LoadedRegistryModel> {
  const started = performance.now();
  if (config.useBrowserCache && !prunedOldCaches) {
    prunedOldCaches = true;
    await pruneOldCaches().catch(() => undefined);
  }
  const watch = new FetchWatch(callbacks.signal, config.fetch, callbacks.stallTimeoutMs ?? config.stallTimeoutMs);
  const tracker = new ProgressTracker(entry, callbacks.onProgress);
  let device: DeviceChoice;
  try {
    device = await chooseDevice(preference, config.environment ?? currentEnvironment());
  } catch (error) {
    if (error instanceof DeviceUnavailable) {
      throw new RuntimeError({ kind: 'device', message: error.message, action: 'Choose WASM (or Auto), which works in every browser.' });
    }
    throw error;
  }

  if (device.device === 'webgpu' && startedBuild === 'wasm') device = onWasmOnlyRuntime(device, preference);

  let tokenizer: PreTrainedTokenizer;
  let pretrained: PreTrainedModel;
  let lens: LensOutcome | null = null;
  const fetchModel = modelFetch(entry, watch, (outcome) => (lens = outcome));
  configureEnvironment(entry, config, fetchModel, device);
  let runtimeMs: number | null = null;
  if (device.device === 'wasm' && startedBuild === 'wasm') {
    const startsHere = !onnxRuntimeRequested();
    void startOnnxRuntime().then(() => {
      if (startsHere) runtimeMs = performance.now() - started;
    });
  }
  try {
    [tokenizer, pretrained] = await fromPretrained(entry, device, tracker.callback);
  } catch (error) {
    if (device.device === 'webgpu' && preference === 'auto' && !callbacks.signal.aborted && !isDownloadError(error)) {
      // The adapter existed but the model would not run on it: WASM always can.
      const reason = `WebGPU failed for this model (${error instanceof Error ? error.message : String(error)}); running on WASM instead.`;
      device = { device: 'wasm', reason };
      configureEnvironment(entry, config, fetchModel, device);
      try {
        [tokenizer, pretrained] = await fromPretrained(entry, device, tracker.callback);
      } catch (retryError) {
        throw await failure(retryError, entry, config, watch, callbacks.signal.aborted);
      }
    } else {
      throw await failure(error, entry, config, watch, callbacks.signal.aborted);
    }
  }
  const sessionMs = performance.now() - started;
  if (callbacks.signal.aborted) {
    // Every file had arrived; the runtime cannot stop a session being created, only drop it.
    await pretrained.dispose();
    throw new RuntimeError(classifyLoadError(null, entry, watch, true));
  }

  let loaded: LoadedModel;
  try {
    loaded = wrapPretrained(entry.id, pretrained, tokenizer);
  } catch (error) {
    await pretrained.dispose();
    throw new RuntimeError({
      kind: 'unsupported',
      message: `${entry.label} loaded but cannot be stepped here: ${error instanceof Error ? error.message : String(error)}`,
      action: 'Choose another model.',
    });
  }
  if (device.device === 'wasm') device = { ...device, threads: threadsInUse() };
  const loadMs = performance.now() - started;
  const warmupStarted = performance.now();
  const firstToken = loaded.model.info.eosTokenIds[0] ?? 0;
  await loaded.model.forward([[firstToken]], null);
  const warmupMs = performance.now() - warmupStarted;
  if (device.device === 'webgpu' && callbacks.onGpuLost) void watchGpuDevice(callbacks.onGpuLost);
  callbacks.onProgress(tracker.snapshot());
  // A weights file read from the browser's cache was extended when it was first downloaded.
  if (lens === null && entry.source.kind === 'hub' && !entry.layerLogits && loaded.model.info.hasLayerLogits) lens = { kind: 'added', blocks: loaded.model.info.numLayers };
  const phases = { runtimeMs, weightsMs: tracker.weightsReadAt - started, sessionMs };
  return { ...loaded, entry, device, lens, bytes: tracker.bytesFetched(watch.fetched), loadMs, warmupMs, phases };
}

/** The threads onnxruntime started with (it falls back to one where threads cannot start). */
function threadsInUse(): WasmThreads {
  const planned = wasmThreads();
  const started = env.backends.onnx.wasm?.numThreads ?? 1;
  return started === planned.threads ? planned : { threads: started, reason: `${started} thread(s): onnxruntime could not start ${planned.threads} here.` };
}

/** A WebGPU model asked of a worker whose runtime was started without WebGPU (by a WASM model). */
function onWasmOnlyRuntime(device: DeviceChoice, preference: DevicePreference): DeviceChoice {
  if (preference === 'webgpu') {
    throw new RuntimeError({
      kind: 'device',
      message: "An earlier model on this page started onnxruntime's WASM-only build, which cannot run WebGPU.",
      action: 'Choose WASM, or reload the page and load this model on WebGPU first.',
    });
  }
  return {
    device: 'wasm',
    reason: `${device.reason} An earlier model on this page started onnxruntime for WASM only, so this one runs on WASM too.`,
  };
}

function isDownloadError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NetworkFailure' || /"https?:\/\//.test(error.message));
}
