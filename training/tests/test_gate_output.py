"""gate_output.py moves exactly the nodes that only the gated output needs into an If branch.

The shipped graphs are checked end to end in Node (tests/integration/models-onnx.test.ts: the
output with the flag on equals the PyTorch reference, and with it off the other outputs are
unchanged bit for bit); this checks the rewrite itself on a small graph.

  /usr/bin/python3 -m unittest discover training/tests"""
import os
import sys
import unittest

import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from gate_output import FLAG_INPUT, gate_output  # noqa: E402


def small_model():
    """y = relu(x) @ w, extra = (relu(x) @ w2) + y: `extra` alone needs w2's MatMul and the Add."""
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, [2, 3])
    extra = helper.make_tensor_value_info('layer_logits', TensorProto.FLOAT, [1, 2, 3])
    w = helper.make_tensor('w', TensorProto.FLOAT, [3, 3], [1.0] * 9)
    w2 = helper.make_tensor('w2', TensorProto.FLOAT, [3, 3], [2.0] * 9)
    axes = helper.make_tensor('axes', TensorProto.INT64, [1], [0])
    nodes = [
        helper.make_node('Relu', ['x'], ['r'], name='relu'),
        helper.make_node('MatMul', ['r', 'w'], ['y'], name='head'),
        helper.make_node('MatMul', ['r', 'w2'], ['m2'], name='extra_matmul'),
        helper.make_node('Add', ['m2', 'y'], ['s'], name='extra_add'),
        helper.make_node('Unsqueeze', ['s', 'axes'], ['layer_logits'], name='extra_unsqueeze'),
    ]
    graph = helper.make_graph(nodes, 'g', [x], [y, extra], initializer=[w, w2, axes])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 14)])


class GateOutputTest(unittest.TestCase):
    def test_moves_only_the_nodes_the_output_alone_needs(self):
        model = small_model()
        self.assertEqual(gate_output(model), 3)
        onnx.checker.check_model(model)
        names = [n.name for n in model.graph.node]
        self.assertEqual(names, ['relu', 'head', 'gate_layer_logits'])
        gate = model.graph.node[-1]
        self.assertEqual((gate.op_type, list(gate.input), list(gate.output)), ('If', [FLAG_INPUT], ['layer_logits']))
        branches = {a.name: a.g for a in gate.attribute}
        self.assertEqual([n.name for n in branches['then_branch'].node], ['extra_matmul', 'extra_add', 'extra_unsqueeze'])
        self.assertEqual([n.op_type for n in branches['else_branch'].node], ['Constant'])
        flag = [i for i in model.graph.input if i.name == FLAG_INPUT]
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag[0].type.tensor_type.elem_type, TensorProto.BOOL)
        self.assertEqual(len(flag[0].type.tensor_type.shape.dim), 0)

    def test_a_gated_graph_is_left_alone(self):
        model = small_model()
        gate_output(model)
        before = model.SerializeToString()
        self.assertEqual(gate_output(model), 0)
        self.assertEqual(model.SerializeToString(), before)

    def test_refuses_a_graph_without_the_output(self):
        model = small_model()
        kept = [o for o in model.graph.output if o.name != 'layer_logits']
        del model.graph.output[:]
        model.graph.output.extend(kept)
        with self.assertRaisesRegex(ValueError, 'no output'):
            gate_output(model)


if __name__ == '__main__':
    unittest.main()
