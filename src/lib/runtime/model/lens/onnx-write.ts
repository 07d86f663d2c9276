/**
 * Encodes the few ONNX messages the layer lens adds to a model: nodes (with attributes either
 * new or copied unchanged from an existing node), small constant tensors, value infos, a
 * subgraph, and the ModelProto fragment that carries them.
 *
 * A fragment is meant to be appended to a model's original bytes: a protobuf parser merges a
 * second `graph` field into the first, appending its nodes, inputs and outputs, so the weights
 * are never decoded or re-encoded (see appendToModel).
 */
import { AttributeType, DataType, type OnnxDim, type OnnxNode } from './onnx-read';
import { WireWriter } from './protobuf-wire';

/** An attribute to write: a new value, or the encoded bytes of an existing one. */
export type NewAttribute =
  | { name: string; int: bigint | number }
  | { name: string; ints: readonly (bigint | number)[] }
  | { name: string; tensor: SmallTensor }
  | { name: string; graph: NewGraph }
  | { encoded: Uint8Array };

export interface NewNode {
  name: string;
  opType: string;
  domain?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly NewAttribute[];
}

/** A constant small enough to write inline: int64 or float32 values, or an empty tensor of any type. */
export interface SmallTensor {
  dataType: number;
  dims: readonly number[];
  values: readonly number[] | readonly bigint[];
}

export interface NewValueInfo {
  name: string;
  elemType: number;
  /** Omitted: the value has a type but no declared shape. */
  dims?: readonly OnnxDim[];
}

export interface NewGraph {
  name: string;
  nodes: readonly NewNode[];
  inputs?: readonly NewValueInfo[];
  outputs: readonly NewValueInfo[];
}

export interface ModelFragment {
  graph: {
    nodes: readonly NewNode[];
    inputs?: readonly NewValueInfo[];
    outputs?: readonly NewValueInfo[];
    /** Small weights, for building whole test models; the lens itself adds none. */
    initializers?: readonly { name: string; tensor: SmallTensor }[];
  };
  /** Operator sets to add: only domains the model does not import yet (a second entry for one is an error). */
  opsets?: readonly { domain: string; version: number }[];
  /** Set only when the fragment is a whole model: appended, it would overwrite the model's. */
  irVersion?: number;
}

function encodeTensor(tensor: SmallTensor, name = ''): WireWriter {
  const w = new WireWriter();
  for (const d of tensor.dims) w.varint(1, d);
  w.varint(2, tensor.dataType);
  if (name) w.string(8, name);
  if (tensor.dataType === DataType.INT64) {
    for (const v of tensor.values) w.varint(7, v);
  } else if (tensor.values.length > 0 && tensor.dataType !== DataType.FLOAT) {
    throw new TypeError(`cannot write values of ONNX data type ${tensor.dataType}`);
  } else {
    const data = new Uint8Array(4 * tensor.values.length);
    const view = new DataView(data.buffer);
    tensor.values.forEach((v, k) => view.setFloat32(4 * k, Number(v), true));
    w.bytes(9, data); // raw_data, little-endian as onnx.proto requires
  }
  return w;
}

function encodeAttribute(attribute: NewAttribute): Uint8Array {
  if ('encoded' in attribute) return attribute.encoded;
  const w = new WireWriter().string(1, attribute.name);
  if ('int' in attribute) w.varint(3, attribute.int).varint(20, AttributeType.INT);
  else if ('ints' in attribute) {
    for (const v of attribute.ints) w.varint(8, v);
    w.varint(20, AttributeType.INTS);
  } else if ('tensor' in attribute) w.message(5, encodeTensor(attribute.tensor)).varint(20, AttributeType.TENSOR);
  else w.message(6, encodeGraph(attribute.graph)).varint(20, AttributeType.GRAPH);
  return w.finish();
}

export function encodeNode(node: NewNode): WireWriter {
  const w = new WireWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name).string(4, node.opType);
  for (const attribute of node.attributes ?? []) w.bytes(5, encodeAttribute(attribute));
  if (node.domain) w.string(7, node.domain);
  return w;
}

export function encodeValueInfo(info: NewValueInfo): WireWriter {
  const tensorType = new WireWriter().varint(1, info.elemType);
  if (info.dims) {
    const shape = new WireWriter();
    for (const d of info.dims) {
      const dim = new WireWriter();
      if (typeof d === 'number') dim.varint(1, d);
      else if (typeof d === 'string') dim.string(2, d);
      shape.message(1, dim);
    }
    tensorType.message(2, shape);
  }
  return new WireWriter().string(1, info.name).message(2, new WireWriter().message(1, tensorType));
}

function encodeGraphBody(w: WireWriter, graph: ModelFragment['graph']): void {
  for (const node of graph.nodes) w.message(1, encodeNode(node));
  for (const init of graph.initializers ?? []) w.message(5, encodeTensor(init.tensor, init.name));
  for (const input of graph.inputs ?? []) w.message(11, encodeValueInfo(input));
  for (const output of graph.outputs ?? []) w.message(12, encodeValueInfo(output));
}

export function encodeGraph(graph: NewGraph): WireWriter {
  const w = new WireWriter();
  encodeGraphBody(w, graph);
  return w.string(2, graph.name);
}

/** A ModelProto holding only what is to be merged into an existing model. */
export function encodeModelFragment(fragment: ModelFragment): Uint8Array {
  const w = new WireWriter();
  if (fragment.irVersion !== undefined) w.varint(1, fragment.irVersion);
  for (const opset of fragment.opsets ?? []) {
    w.message(8, new WireWriter().string(1, opset.domain).varint(2, opset.version));
  }
  const graph = new WireWriter();
  encodeGraphBody(graph, fragment.graph);
  return w.message(7, graph).finish();
}

/**
 * The model's bytes followed by the fragment's: one copy of the model, the only one this costs
 * (onnxruntime takes the model as a single buffer).
 */
export function appendToModel(model: Uint8Array, fragment: Uint8Array): Uint8Array {
  const out = new Uint8Array(model.length + fragment.length);
  out.set(model, 0);
  out.set(fragment, model.length);
  return out;
}

/** A node copied from the model with some inputs replaced; attributes and domain stay as they were. */
export function copyNode(node: OnnxNode, name: string, inputs: readonly string[], outputs: readonly string[]): NewNode {
  return {
    name,
    opType: node.opType,
    domain: node.domain,
    inputs,
    outputs,
    attributes: node.attributes.map((a) => ({ encoded: a.encoded })),
  };
}
