/**
 * The ONNX reader on messages written here: what each field decodes to, that weights are skipped
 * rather than read, and that a fragment appended to a model merges into its graph. The reader on
 * a real export, against the onnx Python package, is tests/integration/lens-onnx-read.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AttributeType, DataType, readOnnxModel } from '../../../../../src/lib/runtime/model/lens/onnx-read';
import { appendToModel, copyNode, encodeModelFragment } from '../../../../../src/lib/runtime/model/lens/onnx-write';
import { WireWriter } from '../../../../../src/lib/runtime/model/lens/protobuf-wire';

/** A ModelProto with ir_version, an opset, and one initializer holding `dataBytes` of raw data. */
function modelWithInitializer(dataBytes: number): Uint8Array {
  const tensor = new WireWriter().varint(1, 4096).varint(1, 224).varint(2, DataType.FLOAT).string(8, 'wte').bytes(9, new Uint8Array(dataBytes));
  const graph = new WireWriter().message(5, tensor).string(2, 'main');
  const opset = new WireWriter().string(1, 'ai.onnx').varint(2, 14);
  return new WireWriter().varint(1, 8).message(8, opset).message(7, graph).finish();
}

describe('ONNX reader and writer', () => {
  it('reads ir_version, opsets (ai.onnx as the default domain) and initializer headers', () => {
    const model = readOnnxModel(modelWithInitializer(64));
    expect(model.irVersion).toBe(8);
    expect([...model.opsets]).toEqual([['', 14]]);
    expect(model.graph.initializers).toEqual([{ name: 'wte', dims: [4096, 224], dataType: DataType.FLOAT }]);
  });

  it('neither copies nor decodes weight data: reading 16 MB of raw_data allocates no buffer for it', () => {
    const big = modelWithInitializer(16 << 20);
    const before = process.memoryUsage().arrayBuffers;
    const model = readOnnxModel(big);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(model.graph.initializers[0].dims).toEqual([4096, 224]);
    // A reader that sliced or decoded the data would hold (or have just dropped) 16 MB more.
    expect(grown).toBeLessThan(1 << 20);
  });

  it('round-trips nodes with int, ints, tensor and subgraph attributes, inputs and outputs', () => {
    const fragment = encodeModelFragment({
      opsets: [{ domain: 'com.microsoft', version: 1 }],
      graph: {
        nodes: [
          { name: 'g', opType: 'Gather', inputs: ['x', 'i'], outputs: ['y'], attributes: [{ name: 'axis', int: -1 }] },
          { name: 'u', opType: 'Unsqueeze', inputs: ['y'], outputs: ['z'], attributes: [{ name: 'axes', ints: [0, -2] }] },
          { name: 'c', opType: 'Constant', inputs: [], outputs: ['k'], attributes: [{ name: 'value', tensor: { dataType: DataType.INT64, dims: [], values: [-1] } }] },
          { name: 'q', opType: 'MatMulNBits', domain: 'com.microsoft', inputs: ['z', 'w', 's'], outputs: ['o'] },
          {
            name: 'if',
            opType: 'If',
            inputs: ['flag'],
            outputs: ['r'],
            attributes: [{ name: 'then_branch', graph: { name: 't', nodes: [], outputs: [{ name: 'z', elemType: DataType.FLOAT }] } }],
          },
        ],
        inputs: [{ name: 'flag', elemType: DataType.BOOL, dims: [] }],
        outputs: [{ name: 'o', elemType: DataType.FLOAT, dims: [9, 'batch_size', null] }],
      },
    });
    const { graph, opsets } = readOnnxModel(fragment);
    expect(opsets.get('com.microsoft')).toBe(1);
    expect(graph.nodes.map((n) => [n.name, n.opType, n.domain, n.inputs, n.outputs])).toEqual([
      ['g', 'Gather', '', ['x', 'i'], ['y']],
      ['u', 'Unsqueeze', '', ['y'], ['z']],
      ['c', 'Constant', '', [], ['k']],
      ['q', 'MatMulNBits', 'com.microsoft', ['z', 'w', 's'], ['o']],
      ['if', 'If', '', ['flag'], ['r']],
    ]);
    const [gather, unsqueeze, constant, , gate] = graph.nodes;
    expect(gather.attributes[0]).toMatchObject({ name: 'axis', type: AttributeType.INT, i: -1n });
    expect(unsqueeze.attributes[0]).toMatchObject({ name: 'axes', type: AttributeType.INTS, ints: [0n, -2n] });
    expect(constant.attributes[0]).toMatchObject({ name: 'value', type: AttributeType.TENSOR });
    expect(gate.attributes[0]).toMatchObject({ name: 'then_branch', type: AttributeType.GRAPH });
    expect(graph.inputs).toEqual([{ name: 'flag', elemType: DataType.BOOL, dims: [] }]);
    expect(graph.outputs).toEqual([{ name: 'o', elemType: DataType.FLOAT, dims: [9, 'batch_size', null] }]);
  });

  it('copies a node with its attributes byte for byte', () => {
    const original = encodeModelFragment({
      graph: { nodes: [{ name: 'gemm', opType: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attributes: [{ name: 'transB', int: 1 }, { name: 'alpha', ints: [3] }] }] },
    });
    const node = readOnnxModel(original).graph.nodes[0];
    const copy = readOnnxModel(encodeModelFragment({ graph: { nodes: [copyNode(node, 'gemm2', ['a2', 'b', 'c'], ['y2'])] } })).graph.nodes[0];
    expect(copy).toMatchObject({ name: 'gemm2', opType: 'Gemm', inputs: ['a2', 'b', 'c'], outputs: ['y2'] });
    expect(copy.attributes.map((a) => [...a.encoded])).toEqual(node.attributes.map((a) => [...a.encoded]));
  });

  it('merges a fragment appended to a model into its graph, as protobuf merges repeated fields', () => {
    const base = modelWithInitializer(16);
    const fragment = encodeModelFragment({
      graph: { nodes: [{ name: 'n', opType: 'Identity', inputs: ['wte'], outputs: ['out'] }], outputs: [{ name: 'out', elemType: DataType.FLOAT }] },
    });
    const merged = readOnnxModel(appendToModel(base, fragment));
    expect(merged.irVersion).toBe(8);
    expect(merged.graph.initializers.map((i) => i.name)).toEqual(['wte']);
    expect(merged.graph.nodes.map((n) => n.name)).toEqual(['n']);
    expect(merged.graph.outputs.map((o) => o.name)).toEqual(['out']);
  });

  it('says when the bytes hold no graph or are no protobuf', () => {
    expect(() => readOnnxModel(new WireWriter().varint(1, 8).finish())).toThrow(/holds no graph/);
    expect(() => readOnnxModel(new TextEncoder().encode('<!doctype html><html>'))).toThrow(/not a valid protobuf message/);
  });
});
