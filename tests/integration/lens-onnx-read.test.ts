/**
 * The lens's ONNX reader on the bundled export agrees with the onnx Python package field for
 * field: nodes (names, ops, domains, inputs, outputs, attribute names), initializer headers,
 * graph inputs and outputs with their types and shapes, and the opsets.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnxModel } from '../../src/lib/runtime/model/lens/onnx-read';
import { EXPERT_ONNX, plainExpertPath, pythonOnnxSummary } from './support/lens-models';

describe.each([
  ['the bundled expert', () => EXPERT_ONNX],
  ['the expert without layer_logits', plainExpertPath],
])('ONNX reader on %s', (_, path) => {
  it('reads what the onnx Python package reads', () => {
    const file = path();
    const expected = pythonOnnxSummary(file);
    const model = readOnnxModel(readFileSync(file));
    expect(model.irVersion).toBe(expected.ir_version);
    expect([...model.opsets]).toEqual(expected.opsets);
    expect(model.graph.nodes.map((n) => ({
      name: n.name,
      op_type: n.opType,
      domain: n.domain,
      input: n.inputs,
      output: n.outputs,
      attributes: n.attributes.map((a) => a.name),
    }))).toEqual(expected.nodes);
    expect(model.graph.initializers.map((i) => ({ name: i.name, dims: i.dims, data_type: i.dataType }))).toEqual(expected.initializers);
    const values = (list: typeof model.graph.inputs) => list.map((v) => ({ name: v.name, elem_type: v.elemType, dims: v.dims }));
    expect(values(model.graph.inputs)).toEqual(expected.inputs);
    expect(values(model.graph.outputs)).toEqual(expected.outputs);
  });
});
