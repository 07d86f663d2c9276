/**
 * Reads the structure of an ONNX ModelProto (onnx/onnx.proto): the opsets, and of the main graph
 * its nodes, initializers (name, dims, type; never their data), inputs and outputs. That is what
 * the layer lens needs to find its way through a decoder, and nothing more is decoded: the
 * weights are skipped by their length prefix, so reading a 500 MB model touches a few hundred KB.
 *
 * Like any protobuf parser, a `graph` field that occurs twice is merged into one graph (repeated
 * fields append), so a model extended by appending a fragment reads back with the new nodes.
 */
import {
  messageReader,
  readFloat,
  readInt64s,
  readString,
  signed,
  WireReader,
  WireType,
  type Field,
} from './protobuf-wire';

/** TensorProto.DataType values this code names. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: bigint;
  ints?: bigint[];
  s?: string;
  /** The whole encoded AttributeProto, so a node can be copied with its attributes unchanged. */
  encoded: Uint8Array;
}

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' is the default ONNX domain ('ai.onnx'). */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: number;
}

/** A dimension: a number, a symbolic name, or null where the model leaves it unnamed. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** The tensor element type, or 0 when the value is not a tensor or has no type. */
  elemType: number;
  /** The shape, or null when the model gives none. */
  dims: OnnxDim[] | null;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  /** Operator set per domain ('' = default ONNX domain). */
  opsets: Map<string, number>;
  graph: OnnxGraph;
}

/** ModelProto, GraphProto, NodeProto, ... field numbers (onnx.proto). */
const F = {
  model: { irVersion: 1, opsetImport: 8, graph: 7 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, initializer: 5, input: 11, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attribute: { name: 1, f: 2, i: 3, s: 4, ints: 8, type: 20 },
  tensor: { dims: 1, dataType: 2, name: 8 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
} as const;

function fields(bytes: Uint8Array, field: Field | null = null): Iterable<Field> {
  const reader = field === null ? new WireReader(bytes) : messageReader(bytes, field);
  return {
    *[Symbol.iterator]() {
      for (let f = reader.next(); f !== null; f = reader.next()) yield f;
    },
  };
}

/** An int64 that must fit a JavaScript number (a dim, a version). */
function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} does not fit a JavaScript number`);
  }
  return Number(value);
}

function readAttribute(bytes: Uint8Array, field: Field): OnnxAttribute {
  const attribute: OnnxAttribute = { name: '', type: 0, encoded: bytes.subarray(field.start, field.end) };
  for (const f of fields(bytes, field)) {
    if (f.number === F.attribute.name) attribute.name = readString(bytes, f);
    else if (f.number === F.attribute.type) attribute.type = Number(f.varint);
    else if (f.number === F.attribute.f && f.wireType === WireType.I32) attribute.f = readFloat(bytes, f);
    else if (f.number === F.attribute.i) attribute.i = signed(f);
    else if (f.number === F.attribute.s) attribute.s = readString(bytes, f);
    else if (f.number === F.attribute.ints) (attribute.ints ??= []).push(...readInt64s(bytes, f));
    // Tensors, subgraphs and the rest stay encoded: a copied node carries them in `encoded`.
  }
  return attribute;
}

function readNode(bytes: Uint8Array, field: Field): OnnxNode {
  const node: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  for (const f of fields(bytes, field)) {
    if (f.number === F.node.input) node.inputs.push(readString(bytes, f));
    else if (f.number === F.node.output) node.outputs.push(readString(bytes, f));
    else if (f.number === F.node.name) node.name = readString(bytes, f);
    else if (f.number === F.node.opType) node.opType = readString(bytes, f);
    else if (f.number === F.node.domain) node.domain = readString(bytes, f);
    else if (f.number === F.node.attribute) node.attributes.push(readAttribute(bytes, f));
  }
  // 'ai.onnx' and '' name the same domain; keep one spelling.
  if (node.domain === 'ai.onnx') node.domain = '';
  return node;
}

function readInitializer(bytes: Uint8Array, field: Field): OnnxInitializer {
  const init: OnnxInitializer = { name: '', dims: [], dataType: 0 };
  for (const f of fields(bytes, field)) {
    // raw_data and the typed data lists are skipped by their length: never decoded or copied.
    if (f.number === F.tensor.dims) init.dims.push(...readInt64s(bytes, f).map((d) => safeNumber(d, 'a dim')));
    else if (f.number === F.tensor.dataType) init.dataType = Number(f.varint);
    else if (f.number === F.tensor.name) init.name = readString(bytes, f);
  }
  return init;
}

function readShape(bytes: Uint8Array, field: Field): OnnxDim[] {
  const dims: OnnxDim[] = [];
  for (const f of fields(bytes, field)) {
    if (f.number !== F.shape.dim) continue;
    let dim: OnnxDim = null;
    for (const d of fields(bytes, f)) {
      if (d.number === F.dim.value) dim = safeNumber(signed(d), 'a dim');
      else if (d.number === F.dim.param) dim = readString(bytes, d);
    }
    dims.push(dim);
  }
  return dims;
}

function readValueInfo(bytes: Uint8Array, field: Field): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', elemType: 0, dims: null };
  for (const f of fields(bytes, field)) {
    if (f.number === F.valueInfo.name) info.name = readString(bytes, f);
    if (f.number !== F.valueInfo.type) continue;
    for (const t of fields(bytes, f)) {
      if (t.number !== F.type.tensorType) continue;
      for (const tt of fields(bytes, t)) {
        if (tt.number === F.tensorType.elemType) info.elemType = Number(tt.varint);
        else if (tt.number === F.tensorType.shape) info.dims = readShape(bytes, tt);
      }
    }
  }
  return info;
}

function readGraphInto(bytes: Uint8Array, field: Field, graph: OnnxGraph): void {
  for (const f of fields(bytes, field)) {
    if (f.number === F.graph.node) graph.nodes.push(readNode(bytes, f));
    else if (f.number === F.graph.initializer) graph.initializers.push(readInitializer(bytes, f));
    else if (f.number === F.graph.input) graph.inputs.push(readValueInfo(bytes, f));
    else if (f.number === F.graph.output) graph.outputs.push(readValueInfo(bytes, f));
  }
}

/** The structure of the ONNX model in `bytes`; throws WireError where the bytes are no protobuf. */
export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  const model: OnnxModel = {
    irVersion: 0,
    opsets: new Map(),
    graph: { nodes: [], initializers: [], inputs: [], outputs: [] },
  };
  let sawGraph = false;
  for (const f of fields(bytes)) {
    if (f.number === F.model.irVersion) model.irVersion = safeNumber(f.varint, 'ir_version');
    else if (f.number === F.model.graph) {
      readGraphInto(bytes, f, model.graph);
      sawGraph = true;
    } else if (f.number === F.model.opsetImport) {
      let domain = '';
      let version = 0;
      for (const o of fields(bytes, f)) {
        if (o.number === F.opset.domain) domain = readString(bytes, o);
        else if (o.number === F.opset.version) version = safeNumber(o.varint, 'an opset version');
      }
      model.opsets.set(domain === 'ai.onnx' ? '' : domain, version);
    }
  }
  if (!sawGraph) throw new Error('this ONNX file holds no graph');
  return model;
}
