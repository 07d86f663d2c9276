/**
 * The messages between the page (client.ts) and the model worker (worker.ts). Every request
 * carries an id; the worker answers it with exactly one `result` or `error`, and before that with
 * any number of `progress` (load) or `trace` (runTo) messages for the same id. `cancel` names the
 * id of the request to cancel and is answered like any other request. The one message the worker
 * sends unasked is `device-lost`.
 *
 * Everything here must survive structured clone: plain data, no classes, no functions.
 */
import type {
  AmateurContext,
  BeamStepTrace,
  ContrastiveOptions,
  ContrastiveTrace,
  DolaBucket,
  DolaDivergence,
  DolaTrace,
  SamplingOptions,
  SamplingTrace,
} from '../decoding';
import type { SessionStop, SpeculativeSessionTrace } from '../sessions';
import type { RuntimeErrorInfo } from './errors';

/** Pages meet a session's stop through the protocol, never by importing the sessions. */
export type { SessionStop, StopReason } from '../sessions';

/** What the reader or page asks for; 'auto' means WebGPU when an adapter exists, else WASM. */
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';
/** Where a model runs: 'cpu' is onnxruntime-node (Node tests and tools), never a browser. */
export type Device = 'webgpu' | 'wasm' | 'cpu';

export interface DeviceChoice {
  device: Device;
  /** Why this device, in a sentence (e.g. "WebGPU is not available in this browser"). */
  reason: string;
  /** On WASM: how many threads onnxruntime runs, and why that many. */
  threads?: WasmThreads;
}

export interface WasmThreads {
  threads: number;
  reason: string;
}

export interface FileProgress {
  file: string;
  loaded: number;
  /** 0 while the size is not known yet. */
  total: number;
  done: boolean;
}

export interface LoadProgress {
  model: string;
  files: FileProgress[];
  loaded: number;
  /** Sum of the known file sizes, at least the registry's download size until all are known. */
  total: number;
}

export interface ModelSummary {
  /** The registry id. */
  model: string;
  name: string;
  vocabSize: number;
  numLayers: number;
  contextLength: number;
  /** Every end-of-sequence id (config.json and generation_config.json); empty when none. */
  eosTokenIds: number[];
  hasLayerLogits: boolean;
}

export interface LoadResult {
  model: ModelSummary;
  device: DeviceChoice;
  /** Bytes that arrived for this load (0 when everything came from the browser cache). */
  bytes: number;
  loadMs: number;
  /** The first forward pass, run once after loading so that the first real step is not slow. */
  warmupMs: number;
  /** Where loadMs went (the first two overlap: onnxruntime starts while the files arrive). */
  phases: LoadPhases;
  /** True when the model was already loaded in this worker (the load only added a reference). */
  shared: boolean;
}

/** Milliseconds from the start of a load, each to the moment its part was done. */
export interface LoadPhases {
  /** onnxruntime-web started: its wasm compiled, its threads running; null when an earlier load had started it. */
  runtimeMs: number | null;
  /** The model's weights read (downloaded, or read from the browser's cache). */
  weightsMs: number;
  /** The model's session created, its tokenizer and configuration read: the load less its wrapping. */
  sessionMs: number;
}

interface PromptSpec {
  /**
   * Text to tokenize. Blank text (empty or only whitespace) is refused; a lone (unpaired)
   * surrogate is read as U+FFFD, the replacement character, as any UTF-8 encoder would; too long
   * a prompt keeps its end and reports how much was cut.
   */
  prompt: string;
  /** Length of each trace's top lists (default 10). */
  topN?: number;
  /** Stop at the end-of-sequence token (default true). */
  stopAtEos?: boolean;
}

export interface SamplingSpec extends PromptSpec {
  method: 'sampling';
  model: string;
  sampling?: SamplingOptions;
  seed?: number;
}

export interface BeamSpec extends PromptSpec {
  method: 'beam';
  model: string;
  numBeams: number;
  maxNewTokens: number;
  lengthPenalty?: number;
  repetitionPenalty?: number;
  noRepeatNgramSize?: number;
}

export interface ContrastiveSpec extends PromptSpec {
  method: 'contrastive';
  expert: string;
  amateur: string;
  contrastive: ContrastiveOptions;
  amateurContext?: AmateurContext;
}

export interface DolaSpec extends PromptSpec {
  method: 'dola';
  model: string;
  layers: DolaBucket;
  divergence?: DolaDivergence;
  relativeTop?: number;
  repetitionPenalty?: number;
}

export interface SpeculativeSpec extends PromptSpec {
  method: 'speculative';
  target: string;
  draft: string;
  gamma: number;
  sampling?: SamplingOptions;
  seed?: number;
}

export type SessionSpec = SamplingSpec | BeamSpec | ContrastiveSpec | DolaSpec | SpeculativeSpec;
export type SessionMethod = SessionSpec['method'];

/** The ids of the models a spec needs, first the one whose tokenizer reads the prompt. */
export function modelsOf(spec: SessionSpec): string[] {
  switch (spec.method) {
    case 'sampling':
    case 'beam':
    case 'dola':
      return [spec.model];
    case 'contrastive':
      return [spec.expert, spec.amateur];
    case 'speculative':
      return [spec.target, spec.draft];
  }
}

export interface TraceByMethod {
  sampling: SamplingTrace;
  beam: BeamStepTrace;
  contrastive: ContrastiveTrace;
  dola: DolaTrace;
  speculative: SpeculativeSessionTrace;
}
export type AnyTrace = TraceByMethod[SessionMethod];

/** What `open` replies: the session's prompt, plus the steps of its replay (none without one). */
export interface OpenReply extends OpenResult {
  replayed: ReplayedSteps;
}

/** A replay's steps, each as `step` would have returned it, and the stop that ended it early. */
export interface ReplayedSteps {
  steps: StepMessage[];
  stop: SessionStop | null;
}

export interface OpenResult {
  /** The prompt's token ids as the session reads them (after any cut). */
  promptIds: number[];
  /** Tokens dropped from the start of a prompt too long for the context. */
  cutTokens: number;
  /** The characters those tokens decode to (0 when nothing was cut; a character split by the cut counts on both sides). */
  cutCharacters: number;
  /** The most tokens the session's models read. */
  contextLength: number;
}

export interface StepMessage<Trace = AnyTrace> {
  kind: 'step';
  index: number;
  tokens: number[];
  text: string | null;
  trace: Trace;
  timing: Record<string, number>;
  /** Where the step's time went inside the worker (the benchmark's per-step breakdown). */
  profile?: StepProfile;
  /**
   * Present when this step left the session unable to step again (it generated end-of-sequence,
   * filled the context, or ended the search): the stop its next step would answer.
   */
  stopsHere?: SessionStop;
}

/** The phases of forward passes, in milliseconds. */
export interface ForwardPhases {
  /** Building the input tensors (ids, mask, positions, the KV cache as inputs). */
  inputsMs: number;
  /** transformers.js and onnxruntime running the graph (copies in and out of WASM memory included). */
  runMs: number;
  /** Reading the logits (and early-exit logits) out of the outputs. */
  logitsMs: number;
  /** Reading the present.* outputs into the next KV cache. */
  kvMs: number;
}

/** One step's time inside the worker, in milliseconds: its forward passes (every model summed) and the whole. */
export interface StepProfile extends ForwardPhases {
  /** From the start of the step to its reply: everything the page waits for but messaging. */
  workerMs: number;
  /** The step's forward passes, every model summed. */
  forwardCalls: number;
}

export type StepReply<Trace = AnyTrace> = StepMessage<Trace> | SessionStop;

/** Times of one model's forward pass at a given context, for the benchmark (milliseconds each). */
export interface ForwardTimings {
  contextTokens: number;
  /** One new token after contextTokens - 1 cached ones (what a step costs with the KV cache). */
  cachedMs: number[];
  /** All contextTokens at once, nothing cached (what a step costs without it). */
  recomputeMs: number[];
  /**
   * onnxruntime's run alone on the cached step's inputs (built once, no layer_logits): the floor
   * under a step of this model.
   */
  bareRunMs: number[];
}

export interface RunToResult {
  /** Steps taken by this call (also streamed one by one as `trace` messages). */
  steps: number;
  stop: SessionStop | null;
}

/** What the worker holds: for tests and the development page (leaks show up here). */
export interface WorkerStats {
  models: { model: string; references: number; device: Device }[];
  sessions: number;
}

/** Each request type: its parameters and the value its `result` carries. */
export interface Requests {
  load: {
    params: {
      model: string;
      device?: DevicePreference;
      /** Milliseconds a download may go without receiving data before it fails as stalled. */
      stallTimeoutMs?: number;
    };
    result: LoadResult;
  };
  vocabulary: { params: { model: string }; result: string[] };
  /**
   * Opens a session. `replaces` disposes an open session first and `replaySteps` steps the new one
   * that many times before replying, so a parameter change is one request and one reply.
   */
  open: { params: { session: string; spec: SessionSpec; replaces?: string; replaySteps?: number }; result: OpenReply };
  step: { params: { session: string }; result: StepReply };
  back: { params: { session: string }; result: { undone: boolean; stepCount: number } };
  reset: { params: { session: string; seed?: number }; result: { stepCount: number } };
  runTo: { params: { session: string; tokens: number }; result: RunToResult };
  dispose: { params: { session?: string; model?: string }; result: { released: boolean } };
  cancel: { params: { target: number }; result: { cancelled: boolean } };
  /** bareOnly: time only the bare run (cachedMs and recomputeMs come back empty). */
  measure: { params: { model: string; contextTokens: number; repeats: number; bareOnly?: boolean }; result: ForwardTimings };
  stats: { params: Record<string, never>; result: WorkerStats };
}

export type RequestType = keyof Requests;

export type RequestMessage = {
  [T in RequestType]: { id: number; type: T } & Requests[T]['params'];
}[RequestType];

export type ResponseMessage =
  | { id: number; type: 'progress'; progress: LoadProgress }
  /**
   * Sent once, unasked (id 0), when the GPU device the worker's models ran on is lost: the
   * worker's models and sessions are gone with it, and the page replaces the worker.
   */
  | { id: 0; type: 'device-lost'; reason: string }
  | { id: number; type: 'trace'; step: StepMessage }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: RuntimeErrorInfo };

/** What the client needs of a Worker (a MessagePort serves in Node tests). */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}
