/**
 * The finder on small synthetic graphs (structure only: nothing here runs). Each graph form it
 * must read, and a clear error naming what is missing for each it cannot. Numbers are checked on
 * real graphs in onnxruntime: tests/integration/lens-expert.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { findLayerLens, LayerLensError } from '../../../../../src/lib/runtime/model/lens/find-lens';
import type { OnnxGraph, OnnxNode } from '../../../../../src/lib/runtime/model/lens/onnx-read';

let counter = 0;
function node(opType: string, inputs: string[], outputs: string[], domain = ''): OnnxNode {
  return { name: `${opType}_${counter++}`, opType, domain, inputs, outputs, attributes: [] };
}

function graph(nodes: OnnxNode[], initializers: string[], outputs = ['logits']): OnnxGraph {
  return {
    nodes,
    initializers: initializers.map((name) => ({ name, dims: [4, 4], dataType: 1 })),
    inputs: [{ name: 'input_ids', elemType: 7, dims: ['batch_size', 'sequence_length'] }],
    outputs: outputs.map((name) => ({ name, elemType: 1, dims: ['batch_size', 'sequence_length', 4] })),
  };
}

/** Plain pre-norm blocks: h' = m + mlp(norm(m)), m = h + attn(norm(h)). Returns the nodes and h_N. */
function plainBlocks(h0: string, n: number, norm = 'LayerNormalization'): { nodes: OnnxNode[]; top: string } {
  const nodes: OnnxNode[] = [];
  let h = h0;
  for (let j = 0; j < n; j++) {
    nodes.push(node(norm, [h, 'g'], [`ln1_${j}`]), node('Attention', [`ln1_${j}`, 'w'], [`attn_${j}`]));
    nodes.push(node('Add', [h, `attn_${j}`], [`mid_${j}`]));
    nodes.push(node(norm, [`mid_${j}`, 'g'], [`ln2_${j}`]), node('MatMul', [`ln2_${j}`, 'w'], [`mlp_${j}`]));
    nodes.push(node('Add', [`mlp_${j}`, `mid_${j}`], [`h_${j + 1}`])); // operand order varies between exporters
    h = `h_${j + 1}`;
  }
  return { nodes, top: h };
}

const embedding = [node('Gather', ['wte', 'input_ids'], ['emb'])];

describe('finding the layer lens', () => {
  it('reads plain pre-norm blocks with a tied head through Transpose', () => {
    const { nodes, top } = plainBlocks('emb', 3);
    const g = graph(
      [...embedding, ...nodes, node('LayerNormalization', [top, 'g'], ['final']), node('Transpose', ['wte'], ['wte_t']), node('MatMul', ['final', 'wte_t'], ['logits'])],
      ['wte', 'g', 'w'],
    );
    const plan = findLayerLens(g, { numLayers: 3 });
    expect(plan.hidden).toEqual(['emb', 'h_1', 'h_2']);
    expect(plan.finalNorm).toMatchObject({ opType: 'LayerNormalization', input: 'h_3' });
    expect(plan.projection).toMatchObject({ weight: 'wte', tied: true, after: [] });
  });

  it('reads RMS norms with an untied head and a bias', () => {
    const { nodes, top } = plainBlocks('emb', 2, 'SimplifiedLayerNormalization');
    const g = graph(
      [...embedding, ...nodes, node('SimplifiedLayerNormalization', [top, 'g'], ['final']), node('MatMul', ['final', 'lm_head'], ['mm']), node('Add', ['lm_bias', 'mm'], ['logits'])],
      ['wte', 'g', 'w', 'lm_head', 'lm_bias'],
    );
    const plan = findLayerLens(g);
    expect(plan.hidden).toEqual(['emb', 'h_1']);
    expect(plan.projection.tied).toBe(false);
    expect(plan.projection.after.map((n) => n.opType)).toEqual(['Add']);
    expect(plan.projection.head.opType).toBe('MatMul');
  });

  it('reads fused Skip*Normalization blocks, whose residual sum is output 3 and absent on the final norm', () => {
    for (const [first, skip] of [
      ['LayerNormalization', 'SkipLayerNormalization'],
      ['SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization'],
    ]) {
      const nodes: OnnxNode[] = [...embedding, node(first, ['emb', 'g'], ['n_0'])];
      let h = 'emb';
      const n = 3;
      for (let j = 0; j < n; j++) {
        nodes.push(node('GroupQueryAttention', [`n_${j}`, 'w'], [`attn_${j}`], 'com.microsoft'));
        nodes.push(node(skip, [`attn_${j}`, h, 'g'], [`post_${j}`, '', '', `mid_${j}`], 'com.microsoft'));
        nodes.push(node('MatMulNBits', [`post_${j}`, 'wq', 'scales'], [`mlp_${j}`], 'com.microsoft'));
        const last = j === n - 1;
        nodes.push(node(skip, [`mlp_${j}`, `mid_${j}`, 'g'], last ? ['final'] : [`n_${j + 1}`, '', '', `h_${j + 1}`], 'com.microsoft'));
        h = `h_${j + 1}`;
      }
      nodes.push(node('MatMulNBits', ['final', 'lm_q', 'lm_scales'], ['logits'], 'com.microsoft'));
      const plan = findLayerLens(graph(nodes, ['wte', 'g', 'w', 'wq', 'scales', 'lm_q', 'lm_scales']), { numLayers: n });
      expect(plan.hidden, skip).toEqual(['emb', 'h_1', 'h_2']);
      expect(plan.finalNorm.opType).toBe(skip);
      expect(plan.projection.head.opType).toBe('MatMulNBits');
      expect(plan.projection.tied).toBe(false);
    }
  });

  it('reads an embedding that is itself a fused sum (token + position through SkipLayerNormalization)', () => {
    const nodes: OnnxNode[] = [
      node('Gather', ['wte', 'input_ids'], ['tok']),
      node('Gather', ['wpe', 'position_ids'], ['pos']),
      node('SkipLayerNormalization', ['tok', 'pos', 'g'], ['n_0', '', '', 'emb'], 'com.microsoft'),
      node('Attention', ['n_0', 'w'], ['attn']),
      node('SkipLayerNormalization', ['attn', 'emb', 'g'], ['post', '', '', 'mid'], 'com.microsoft'),
      node('MatMul', ['post', 'w'], ['mlp']),
      node('SkipLayerNormalization', ['mlp', 'mid', 'g'], ['final'], 'com.microsoft'),
      node('MatMul', ['final', 'lm_head'], ['logits']),
    ];
    const plan = findLayerLens(graph(nodes, ['wte', 'wpe', 'g', 'w', 'lm_head']));
    expect(plan.hidden).toEqual(['emb']);
    expect(plan.projection.tied).toBe(false);
  });

  describe('says what it could not find', () => {
    const cases: [string, () => OnnxGraph, RegExp][] = [
      ['no logits output', () => graph([], [], ['out']), /the graph has no output "logits" \(outputs: out\)/],
      ['logits from no projection', () => graph([node('Relu', ['input_ids'], ['logits'])], []), /no output projection found: "logits" comes from Relu "Relu_\d+", expected MatMul, Gemm or MatMulNBits/],
      ['a projection of a graph input', () => graph([node('MatMul', ['input_ids', 'w'], ['logits'])], ['w']), /no final norm found: the projection's input "input_ids" is a graph input/],
      [
        'no norm before the projection',
        () => graph([node('Tanh', ['input_ids'], ['t']), node('MatMul', ['t', 'w'], ['logits'])], ['w']),
        /no final norm found before the output projection: its input comes from Tanh "Tanh_\d+"/,
      ],
      [
        'a norm over no residual stream',
        () => graph([...embedding, node('LayerNormalization', ['emb', 'g'], ['f']), node('MatMul', ['f', 'w'], ['logits'])], ['wte', 'g', 'w']),
        /no residual stream found: the final norm's input "emb" is no residual sum/,
      ],
      [
        'an odd number of residual sums',
        () => {
          const { nodes } = plainBlocks('emb', 2);
          // Cut the last block in half: the final norm reads mid_1.
          return graph([...embedding, ...nodes, node('LayerNormalization', ['mid_1', 'g'], ['f']), node('MatMul', ['f', 'w'], ['logits'])], ['wte', 'g', 'w']);
        },
        /found 3 residual sums between the embedding and the final norm; a decoder of pre-norm blocks has two per block/,
      ],
    ];
    it.each(cases)('%s', (_, make, message) => {
      expect(() => findLayerLens(make())).toThrow(LayerLensError);
      expect(() => findLayerLens(make())).toThrow(message);
    });

    it('a block count that disagrees with the config', () => {
      const { nodes, top } = plainBlocks('emb', 2);
      const g = graph([...embedding, ...nodes, node('LayerNormalization', [top, 'g'], ['f']), node('MatMul', ['f', 'w'], ['logits'])], ['wte', 'g', 'w']);
      expect(() => findLayerLens(g, { numLayers: 3 })).toThrow(/the graph's residual stream has 2 blocks, but the model's config says 3/);
    });
  });
});
