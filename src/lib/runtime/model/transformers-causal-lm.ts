/**
 * CausalLM (src/lib/sessions/model.ts) on a model that transformers.js loaded from a GPT-2-style
 * ONNX export: inputs input_ids, attention_mask, position_ids and past_key_values.{i}.key/value
 * ([batch, heads, past, headDim]); outputs logits, present.{i}.key/value and, when exported,
 * layer_logits ([N + 1, batch, vocab] at the last position). Our own exports compute layer_logits
 * only when their bool input output_layer_logits is true (training/gate_output.py), and with
 * present_new_only true return only the new positions as present.* (append_kv_outside.py).
 *
 * Every input is passed explicitly, the cache included even when empty, so transformers.js never
 * has to guess a batch size or positions from symbolic dims. Caches come back as plain
 * Float32Arrays (Float32KvCache), which is what makes crop and beam reorder exact copies.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import type { CausalLM, ForwardOptions, ForwardResult, KvCache, ModelInfo } from '../../sessions/model';
import { FloatBufferPool } from './float-buffer-pool';
import { Float32KvCache, type KvShape } from './float32-kv-cache';
import { noCosts, PhaseClock, type ForwardCosts } from './forward-costs';

const LAYER_LOGITS_OUTPUT = 'layer_logits';
const LAYER_LOGITS_FLAG = 'output_layer_logits';
/** Our exports' switch to return only the new positions as present.* (training/append_kv_outside.py). */
const NEW_ONLY_FLAG = 'present_new_only';

/** The onnxruntime session transformers.js keeps for a decoder-only model. */
interface DecoderSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export function decoderSession(model: PreTrainedModel): DecoderSession {
  const session = (model.sessions as Record<string, DecoderSession | undefined>)['model'];
  if (!session) throw new Error('this transformers.js model has no "model" session: only decoder-only exports are supported');
  return session;
}

function int64Tensor(values: number[], dims: number[]): Tensor {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return new Tensor('int64', data, dims);
}

/**
 * The tensor's values as a Float32Array in ordinary memory. On WebGPU transformers.js asks for the
 * present.* outputs as GPU buffers; those are downloaded (and released) here, so the cache stays
 * plain arrays on every device.
 */
async function readFloat32(tensor: Tensor, what: string): Promise<Float32Array> {
  const data = tensor.location === 'gpu-buffer' ? await tensor.ort_tensor.getData(true) : tensor.data;
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`model output ${what} is not float32: load the model with dtype 'fp32'`);
  }
  return data;
}

function requireDims(tensor: Tensor, expected: number[], what: string): void {
  if (tensor.dims.length !== expected.length || tensor.dims.some((d, i) => d !== expected[i])) {
    throw new Error(`model output ${what} has dims [${tensor.dims.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

export class TransformersCausalLM implements CausalLM {
  readonly info: ModelInfo;
  private readonly shape: KvShape;
  private readonly takesPositionIds: boolean;
  private readonly gatesLayerLogits: boolean;
  private readonly returnsNewOnly: boolean;
  private readonly costs: ForwardCosts = noCosts();
  /** Storage for the caches this model derives (append, crop, reorder), reused once disposed. */
  private readonly cachePool = new FloatBufferPool();

  constructor(
    private readonly model: PreTrainedModel,
    info: ModelInfo,
  ) {
    this.info = info;
    this.shape = { numLayers: info.numLayers, numHeads: info.numHeads, headDim: info.headDim };
    const inputNames = decoderSession(model).inputNames;
    this.takesPositionIds = inputNames.includes('position_ids');
    this.gatesLayerLogits = inputNames.includes(LAYER_LOGITS_FLAG);
    this.returnsNewOnly = inputNames.includes(NEW_ONLY_FLAG);
  }

  /** Time spent in each phase of every forward pass so far (a copy). */
  forwardCosts(): ForwardCosts {
    return { ...this.costs };
  }

  /** Frees the runtime's sessions (and their GPU or WASM memory); the model is unusable after. */
  async dispose(): Promise<void> {
    await this.model.dispose();
  }

  private asOwnCache(cache: KvCache): Float32KvCache {
    const own = this.ownCache(cache);
    own.requireLive();
    return own;
  }

  /** The cache as this model's own, disposed or not. */
  private ownCache(cache: KvCache): Float32KvCache {
    if (!(cache instanceof Float32KvCache)) throw new TypeError(`this cache was not made by model "${this.info.name}"`);
    const s = cache.shape;
    if (s.numLayers !== this.shape.numLayers || s.numHeads !== this.shape.numHeads || s.headDim !== this.shape.headDim) {
      throw new TypeError(`this cache belongs to a model of another shape than "${this.info.name}"`);
    }
    return cache;
  }

  private checkInput(inputIds: number[][], past: Float32KvCache | null): number {
    const batch = inputIds.length;
    if (batch === 0) throw new RangeError('forward needs at least one row of input ids');
    const newTokens = inputIds[0].length;
    if (newTokens === 0) throw new RangeError('forward needs at least one new token per row');
    for (const row of inputIds) {
      if (row.length !== newTokens) {
        throw new RangeError(`every row of input ids must have ${newTokens} tokens, got ${row.length}`);
      }
      for (const id of row) {
        if (!Number.isInteger(id) || id < 0 || id >= this.info.vocabSize) {
          throw new RangeError(`token ids must be integers in [0, ${this.info.vocabSize - 1}], got ${id}`);
        }
      }
    }
    if (past && past.batch !== batch) throw new RangeError(`the cache has ${past.batch} rows but ${batch} input rows were given`);
    const total = (past?.length ?? 0) + newTokens;
    if (total > this.info.contextLength) {
      throw new RangeError(
        `the context is full: model "${this.info.name}" reads at most ${this.info.contextLength} tokens, this call needs ${total}`,
      );
    }
    return newTokens;
  }

  /** The feeds of one forward pass (transformers.js tensors), and how many positions it adds. */
  private feeds(
    inputIds: number[][],
    cache: KvCache | null,
    wantLayers: boolean,
  ): { inputs: Record<string, unknown>; past: Float32KvCache; placeholder: Float32KvCache | null } {
    const past = cache === null ? null : this.asOwnCache(cache);
    const newTokens = this.checkInput(inputIds, past);
    const batch = inputIds.length;
    const pastCache = past ?? Float32KvCache.empty(this.shape, batch, this.cachePool);
    const total = pastCache.length + newTokens;

    const positions = Array.from({ length: newTokens }, (_, i) => pastCache.length + i);
    // Our exports attend over the past apart from the new positions, and WebGPU cannot bind the
    // zero-sized past a first call would pass (createBindGroup fails), so a first call reads one
    // zero position that the mask hides: its weight is exactly 0 and the logits are unchanged.
    const zeros = this.returnsNewOnly && pastCache.length === 0 ? this.zeroPosition(batch) : null;
    const fed = zeros ? pastCache.append(1, zeros, zeros) : pastCache;
    const hidden = fed.length - pastCache.length;
    const pastTensors: Record<string, Tensor> = {};
    for (let layer = 0; layer < this.shape.numLayers; layer++) {
      pastTensors[`past_key_values.${layer}.key`] = new Tensor('float32', fed.keys[layer], fed.dims);
      pastTensors[`past_key_values.${layer}.value`] = new Tensor('float32', fed.values[layer], fed.dims);
    }
    const width = hidden + total;
    const mask = Array.from({ length: batch * width }, (_, i) => (i % width < hidden ? 0 : 1));
    const inputs: Record<string, unknown> = {
      input_ids: int64Tensor(inputIds.flat(), [batch, newTokens]),
      attention_mask: int64Tensor(mask, [batch, width]),
      past_key_values: pastTensors,
    };
    // Some exports (older GPT-2 ones) derive positions themselves and have no such input.
    if (this.takesPositionIds) {
      inputs.position_ids = int64Tensor(Array.from({ length: batch }, () => positions).flat(), [batch, newTokens]);
    }
    if (this.gatesLayerLogits) inputs[LAYER_LOGITS_FLAG] = new Tensor('bool', [wantLayers], []);
    if (this.returnsNewOnly) inputs[NEW_ONLY_FLAG] = new Tensor('bool', [true], []);
    return { inputs, past: pastCache, placeholder: fed === pastCache ? null : fed };
  }

  /** One cache position of zeros for every layer, [batch, heads, 1, headDim] (append only reads it). */
  private zeroPosition(batch: number): Float32Array[] {
    return new Array<Float32Array>(this.shape.numLayers).fill(new Float32Array(batch * this.shape.numHeads * this.shape.headDim));
  }

  async forward(inputIds: number[][], cache: KvCache | null, options: ForwardOptions = {}): Promise<ForwardResult> {
    const wantLayers = options.layerLogits === true && this.info.hasLayerLogits;
    const clock = new PhaseClock(this.costs);
    const { inputs, past, placeholder } = this.feeds(inputIds, cache, wantLayers);
    const batch = inputIds.length;
    const newTokens = inputIds[0].length;
    const total = past.length + newTokens;
    clock.end('inputsMs');
    const outputs = (await this.model.forward(inputs)) as Record<string, Tensor>;
    placeholder?.release();
    clock.end('runMs');

    const vocab = this.info.vocabSize;
    requireDims(outputs.logits, [batch, newTokens, vocab], 'logits');
    const logitsData = await readFloat32(outputs.logits, 'logits');
    // Rows are views, not copies: onnxruntime gives every run's outputs their own fresh arrays,
    // and nothing downstream writes into logits.
    const logits = Array.from({ length: batch }, (_, b) =>
      Array.from({ length: newTokens }, (_, t) => logitsData.subarray((b * newTokens + t) * vocab, (b * newTokens + t + 1) * vocab)),
    );
    let layerLogits: Float32Array[][] | null = null;
    const layerTensor = outputs[LAYER_LOGITS_OUTPUT];
    if (wantLayers && layerTensor) {
      const layers = this.shape.numLayers + 1;
      requireDims(layerTensor, [layers, batch, vocab], LAYER_LOGITS_OUTPUT);
      const data = await readFloat32(layerTensor, LAYER_LOGITS_OUTPUT);
      layerLogits = Array.from({ length: batch }, (_, b) =>
        Array.from({ length: layers }, (_, j) => data.subarray((j * batch + b) * vocab, (j * batch + b + 1) * vocab)),
      );
    }
    clock.end('logitsMs');

    // present.* is the whole cache (past + new, as a plain export gives it) or, from our exports
    // asked with present_new_only, the new positions, which the cache appends: no step copies the
    // whole cache inside the graph.
    const keys: Float32Array[] = [];
    const values: Float32Array[] = [];
    const wholeDims = [batch, this.shape.numHeads, total, this.shape.headDim];
    const newDims = [batch, this.shape.numHeads, newTokens, this.shape.headDim];
    for (let layer = 0; layer < this.shape.numLayers; layer++) {
      for (const [kind, list] of [
        ['key', keys],
        ['value', values],
      ] as const) {
        const name = `present.${layer}.${kind}`;
        const tensor = outputs[name];
        if (!tensor) throw new Error(`model "${this.info.name}" returned no ${name}: export it with its KV-cache outputs`);
        requireDims(tensor, this.returnsNewOnly ? newDims : wholeDims, name);
        list.push(await readFloat32(tensor, name));
      }
    }
    const next = this.returnsNewOnly ? past.append(newTokens, keys, values) : new Float32KvCache(this.shape, batch, total, keys, values, this.cachePool);
    clock.end('kvMs');
    return { logits, layerLogits, cache: next };
  }

  /**
   * The floor under a step: onnxruntime's own run on the feeds of forward(inputIds, cache),
   * without layer_logits, built once and timed `repeats` times (milliseconds each).
   */
  async timeBareRun(inputIds: number[][], cache: KvCache | null, repeats: number): Promise<number[]> {
    const { inputs } = this.feeds(inputIds, cache, false);
    const { past_key_values: pastTensors, ...rest } = inputs as Record<string, Tensor> & { past_key_values: Record<string, Tensor> };
    const feeds = Object.fromEntries(Object.entries({ ...rest, ...pastTensors }).map(([name, tensor]) => [name, tensor.ort_tensor]));
    const session = decoderSession(this.model);
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    return times;
  }

  cropCache(cache: KvCache, length: number): KvCache {
    return this.asOwnCache(cache).crop(length);
  }

  selectCacheRows(cache: KvCache, rows: readonly number[]): KvCache {
    return this.asOwnCache(cache).selectRows(rows);
  }

  disposeCache(cache: KvCache): void {
    // Its arrays go back to the pool for the next step's cache (Float32KvCache.release).
    this.ownCache(cache).release();
  }

}
