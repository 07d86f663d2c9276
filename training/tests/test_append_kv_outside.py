"""append_kv_outside.py: present.* becomes the new positions, and attention never joins the cache.

The shipped graphs are checked numerically in Node (tests/integration/models-onnx.test.ts: the
PyTorch logits, and one token at a time through the appended cache equals the whole sequence at
once); this checks the rewrite itself on one small attention block, shaped as torch exports it.

  /usr/bin/python3 -m unittest discover training/tests"""
import os
import sys
import unittest

import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from append_kv_outside import FLAG_INPUT, append_kv_outside  # noqa: E402


def attention_block():
    """One layer: present = Concat(past, new); softmax(q @ present_key^T) @ present_value."""
    cache = lambda name, length: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 2, length, 4])  # noqa: E731
    inputs = [cache('past_key_values.0.key', 'past'), cache('past_key_values.0.value', 'past'),
              cache('q', 'new'), cache('k', 'new'), cache('v', 'new')]
    outputs = [cache('out', 'new'), cache('present.0.key', 'total'), cache('present.0.value', 'total')]
    nodes = [
        helper.make_node('Concat', ['past_key_values.0.key', 'k'], ['present.0.key'], name='/h.0/attn/Concat_3', axis=2),
        helper.make_node('Concat', ['past_key_values.0.value', 'v'], ['present.0.value'], name='/h.0/attn/Concat_4', axis=2),
        helper.make_node('Transpose', ['present.0.key'], ['kt'], name='/h.0/attn/Transpose_3', perm=[0, 1, 3, 2]),
        helper.make_node('MatMul', ['q', 'kt'], ['scores'], name='/h.0/attn/MatMul'),
        helper.make_node('Softmax', ['scores'], ['weights'], name='/h.0/attn/Softmax', axis=-1),
        helper.make_node('MatMul', ['weights', 'present.0.value'], ['out'], name='/h.0/attn/MatMul_1'),
    ]
    return helper.make_model(helper.make_graph(nodes, 'g', inputs, outputs), opset_imports=[helper.make_opsetid('', 14)])


class AppendKvOutsideTest(unittest.TestCase):
    def test_attention_never_joins_the_cache_and_a_flag_chooses_what_present_holds(self):
        model = attention_block()
        self.assertEqual(append_kv_outside(model), 1)
        onnx.checker.check_model(model)
        graph = model.graph
        producer = {o: n for n in graph.node for o in n.output}
        past = {'past_key_values.0.key', 'past_key_values.0.value'}
        for node in graph.node:
            if node.op_type == 'Concat':
                self.assertFalse(past.intersection(node.input), f'{node.name} joins the cache')
        # Only the score rows are joined, and the softmax reads them as before.
        self.assertEqual(producer['scores'].op_type, 'Concat')
        self.assertEqual([n.name for n in graph.node if n.op_type == 'Softmax'], ['/h.0/attn/Softmax'])
        # The value side: the two halves of the weights, each against its own values, summed.
        self.assertEqual(producer['out'].op_type, 'Add')
        reads = {tuple(n.input) for n in graph.node if n.op_type == 'MatMul'}
        self.assertIn(('kvo/h.0/past_w', 'past_key_values.0.value'), reads)
        self.assertIn(('kvo/h.0/new_w', 'v'), reads)
        # present.*: one If on the new bool input; the new positions when true, past + new when false.
        gate = producer['present.0.key']
        self.assertIs(gate, producer['present.0.value'])
        self.assertEqual((gate.op_type, list(gate.input)), ('If', [FLAG_INPUT]))
        flag = [i for i in graph.input if i.name == FLAG_INPUT]
        self.assertEqual(flag[0].type.tensor_type.elem_type, TensorProto.BOOL)
        branches = {a.name: a.g for a in gate.attribute}
        then_nodes = [(n.op_type, list(n.input)) for n in branches['then_branch'].node]
        else_nodes = [(n.op_type, list(n.input)) for n in branches['else_branch'].node]
        self.assertEqual(then_nodes, [('Identity', ['k']), ('Identity', ['v'])])
        self.assertEqual(else_nodes, [('Concat', ['past_key_values.0.key', 'k']), ('Concat', ['past_key_values.0.value', 'v'])])

    def test_a_rewritten_graph_is_left_alone(self):
        model = attention_block()
        append_kv_outside(model)
        before = model.SerializeToString()
        self.assertEqual(append_kv_outside(model), 0)
        self.assertEqual(model.SerializeToString(), before)


if __name__ == '__main__':
    unittest.main()
