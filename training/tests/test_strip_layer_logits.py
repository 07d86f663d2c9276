"""strip_layer_logits.py undoes gate_output.py: gating then stripping leaves the graph without
the gated output, with every other node, input and output as it was.

  /usr/bin/python3 -m unittest discover training/tests"""
import os
import sys
import unittest

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gate_output import FLAG_INPUT, gate_output  # noqa: E402
from strip_layer_logits import strip_layer_logits  # noqa: E402
from test_gate_output import small_model  # noqa: E402


class StripLayerLogitsTest(unittest.TestCase):
    def test_gated_then_stripped_is_the_graph_without_the_output(self):
        model = small_model()
        gate_output(model)
        strip_layer_logits(model)
        onnx.checker.check_model(model)
        self.assertEqual([n.name for n in model.graph.node], ['relu', 'head'])
        self.assertEqual([i.name for i in model.graph.input], ['x'])
        self.assertEqual([o.name for o in model.graph.output], ['y'])

    def test_refuses_a_graph_that_was_never_gated(self):
        with self.assertRaisesRegex(ValueError, f'gating .layer_logits. on .{FLAG_INPUT}.'):
            strip_layer_logits(small_model())


if __name__ == '__main__':
    unittest.main()
