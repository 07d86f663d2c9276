/**
 * Adds DoLa's early-exit logits to a model that has none, exactly as our own exports define them
 * (training/model.py forward_cached, training/gate_output.py):
 *   layer_logits[j] = lm_head(h_j[:, -1, :])   for j < N (no final norm),
 *   layer_logits[N] = logits[:, -1, :],        shape [N + 1, batch, vocab],
 * computed only when the bool input output_layer_logits is true (an If node; otherwise an empty
 * [0, 0, 0] tensor), so the runtime treats a lens-extended model and our exports the same way.
 *
 * lm_head is the model's own projection node, copied with its input replaced, so a tied, an
 * untied, a biased, a cast or a quantized (MatMulNBits) head is reproduced as the model computes it.
 * The new nodes and the new input and output are encoded as a ModelProto fragment and appended
 * to the original bytes; the weights are neither decoded nor re-encoded.
 */
import { findLayerLens, LayerLensError, type FindLensOptions, type LayerLensPlan } from './find-lens';
import { DataType, readOnnxModel, type OnnxDim, type OnnxModel } from './onnx-read';
import { appendToModel, copyNode, encodeModelFragment, type NewNode, type NewValueInfo } from './onnx-write';

export const LAYER_LOGITS_OUTPUT = 'layer_logits';
export const LAYER_LOGITS_FLAG = 'output_layer_logits';
/** Every value and node the lens adds is named under this prefix. */
const PREFIX = 'layer_lens/';
/** Unsqueeze takes its axes as an input from opset 13 on, as an attribute before. */
const UNSQUEEZE_AXES_AS_INPUT = 13;

export interface ExtendOptions extends FindLensOptions {
  /** Put the early exits behind output_layer_logits (default true); false computes them on every run. */
  gate?: boolean;
}

export interface ExtendedModel {
  bytes: Uint8Array;
  plan: LayerLensPlan;
}

function int64Constant(name: string, dims: number[], values: number[]): NewNode {
  return { name, opType: 'Constant', inputs: [], outputs: [name], attributes: [{ name: 'value', tensor: { dataType: DataType.INT64, dims, values } }] };
}

/** The nodes that compute the stacked early exits into `stacked`. */
function lensNodes(plan: LayerLensPlan, opset: number, stacked: string): NewNode[] {
  const last = `${PREFIX}last_index`;
  const axis0 = `${PREFIX}axis_0`;
  const nodes: NewNode[] = [int64Constant(last, [], [-1])];
  const axesAsInput = opset >= UNSQUEEZE_AXES_AS_INPUT;
  if (axesAsInput) nodes.push(int64Constant(axis0, [1], [0]));
  const { head, after } = plan.projection;

  // x[:, -1, :] as onnx Gather with a scalar index drops the axis: [batch, seq, d] -> [batch, d].
  const lastPosition = (tensor: string, name: string): string => {
    nodes.push({ name, opType: 'Gather', inputs: [tensor, last], outputs: [name], attributes: [{ name: 'axis', int: 1 }] });
    return name;
  };
  const asEntry = (tensor: string, name: string): string => {
    nodes.push(
      axesAsInput
        ? { name, opType: 'Unsqueeze', inputs: [tensor, axis0], outputs: [name] }
        : { name, opType: 'Unsqueeze', inputs: [tensor], outputs: [name], attributes: [{ name: 'axes', ints: [0] }] },
    );
    return name;
  };

  const entries = plan.hidden.map((hidden, j) => {
    const at = `${PREFIX}h${j}`;
    const x = lastPosition(hidden, `${at}/last`);
    let projected = `${at}/head`;
    nodes.push(copyNode(head, projected, [x, ...head.inputs.slice(1)], [projected]));
    let original = head.outputs[0];
    after.forEach((node, k) => {
      const next = `${at}/head_${k + 1}`;
      nodes.push(copyNode(node, next, node.inputs.map((t) => (t === original ? projected : t)), [next]));
      [original, projected] = [node.outputs[0], next];
    });
    return asEntry(projected, `${at}/entry`);
  });
  entries.push(asEntry(lastPosition(plan.logits, `${PREFIX}mature/last`), `${PREFIX}mature/entry`));
  nodes.push({ name: stacked, opType: 'Concat', inputs: entries, outputs: [stacked], attributes: [{ name: 'axis', int: 0 }] });
  return nodes;
}

function checkNamesAreFree(model: OnnxModel): void {
  const { graph } = model;
  if (graph.outputs.some((o) => o.name === LAYER_LOGITS_OUTPUT)) {
    throw new LayerLensError(`the model already has an output "${LAYER_LOGITS_OUTPUT}"`);
  }
  if (graph.inputs.some((i) => i.name === LAYER_LOGITS_FLAG)) {
    throw new LayerLensError(`the model already has an input "${LAYER_LOGITS_FLAG}"`);
  }
  const taken = graph.nodes.some((n) => n.name.startsWith(PREFIX) || n.outputs.some((o) => o.startsWith(PREFIX)));
  if (taken) throw new LayerLensError(`the model already uses names under "${PREFIX}": was the lens added twice?`);
}

/** The fragment to append to the model's bytes. */
export function layerLensFragment(model: OnnxModel, plan: LayerLensPlan, gate = true): Uint8Array {
  checkNamesAreFree(model);
  const opset = model.opsets.get('') ?? 0;
  const logitsInfo = model.graph.outputs.find((o) => o.name === plan.logits);
  const elemType = logitsInfo?.elemType || DataType.FLOAT;
  const logitsDims: OnnxDim[] = logitsInfo?.dims ?? [null, null, null];
  const batchDim = logitsDims[0] ?? null;

  if (!gate) {
    const nodes = lensNodes(plan, opset, LAYER_LOGITS_OUTPUT);
    const output: NewValueInfo = { name: LAYER_LOGITS_OUTPUT, elemType, dims: [plan.numLayers + 1, batchDim, logitsDims[2] ?? null] };
    return encodeModelFragment({ graph: { nodes, outputs: [output] } });
  }
  const stacked = `${PREFIX}stacked`;
  const empty = `${PREFIX}empty`;
  const gateNode: NewNode = {
    name: `${PREFIX}gate`,
    opType: 'If',
    inputs: [LAYER_LOGITS_FLAG],
    outputs: [LAYER_LOGITS_OUTPUT],
    attributes: [
      { name: 'then_branch', graph: { name: `${PREFIX}then`, nodes: lensNodes(plan, opset, stacked), outputs: [{ name: stacked, elemType }] } },
      {
        name: 'else_branch',
        graph: {
          name: `${PREFIX}else`,
          nodes: [
            {
              name: empty,
              opType: 'Constant',
              inputs: [],
              outputs: [empty],
              attributes: [{ name: 'value', tensor: { dataType: elemType, dims: [0, 0, 0], values: [] } }],
            },
          ],
          outputs: [{ name: empty, elemType }],
        },
      },
    ],
  };
  // The first and last dims are 0 when the flag is off, so they get names of their own.
  const output: NewValueInfo = { name: LAYER_LOGITS_OUTPUT, elemType, dims: [`${LAYER_LOGITS_OUTPUT}_layers`, batchDim, `${LAYER_LOGITS_OUTPUT}_vocab`] };
  const flag: NewValueInfo = { name: LAYER_LOGITS_FLAG, elemType: DataType.BOOL, dims: [] };
  return encodeModelFragment({ graph: { nodes: [gateNode], inputs: [flag], outputs: [output] } });
}

/**
 * The model in `bytes` with layer_logits added (and, gated, the output_layer_logits input).
 * Throws LayerLensError naming what it could not find; the caller then runs the model as it is.
 */
export function addLayerLens(bytes: Uint8Array, options: ExtendOptions = {}): ExtendedModel {
  const model = readOnnxModel(bytes);
  const plan = findLayerLens(model.graph, options);
  return { bytes: appendToModel(bytes, layerLensFragment(model, plan, options.gate ?? true)), plan };
}
