"""Undoes the layer_logits output of an export: the graph a plain export (no early exits) would be.

gate_output.py moved every node that only `layer_logits` needs into the then-branch of one `If`
node on the input `output_layer_logits`. Dropping that node, that input and that output leaves
exactly the nodes the other outputs need: the form published exports have. The present_new_only
switch goes too (append_kv_outside.py's join_present_inside): present.* is past + new again. The
layer-lens tests (tests/integration/lens-expert.test.ts) rebuild the early exits from it and
compare them with the export's own. Uses only the onnx package (CI has no PyTorch):
    python3 training/strip_layer_logits.py public/models/expert/onnx/model.onnx OUT.onnx
"""
import argparse
import os

import onnx

from append_kv_outside import join_present_inside
from gate_output import FLAG_INPUT, GATED_OUTPUT


def strip_layer_logits(model, output=GATED_OUTPUT, flag=FLAG_INPUT):
    """Rewrites `model` in place; raises ValueError unless it holds the gated output."""
    graph = model.graph
    gates = [n for n in graph.node if n.op_type == 'If' and list(n.output) == [output] and list(n.input) == [flag]]
    if len(gates) != 1:
        raise ValueError(f'expected one If node gating {output!r} on {flag!r}, found {len(gates)}')
    kept = [n for n in graph.node if n is not gates[0]]
    del graph.node[:]
    graph.node.extend(kept)
    for field, name in ((graph.input, flag), (graph.output, output)):
        remaining = [v for v in field if v.name != name]
        del field[:]
        field.extend(remaining)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('source')
    p.add_argument('out')
    a = p.parse_args()
    model = onnx.load(a.source)
    strip_layer_logits(model)
    join_present_inside(model)
    onnx.checker.check_model(model)
    # Written beside the target and renamed, so a reader never sees half a file.
    partial = f'{a.out}.{os.getpid()}.partial'
    onnx.save(model, partial)
    os.replace(partial, a.out)
    print(f'[strip] {a.source} -> {a.out}: {len(model.graph.node)} nodes, no {GATED_OUTPUT}', flush=True)


if __name__ == '__main__':
    main()
