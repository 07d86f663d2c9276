"""Puts one graph output behind a boolean input, so a run that does not want it skips its cost.

DoLa is the only reader of `layer_logits`, yet computing it (N + 1 vocabulary projections at the
last position) costs about a fifth of an expert step. onnxruntime runs every node of a graph
whatever outputs are fetched, so the nodes that only that output needs move into the
`then_branch` of an `If` node on a new scalar bool input (`output_layer_logits`). The branch holds
the very same nodes, reading the outer graph's values by name, so the output is unchanged to the
bit when asked for. When not asked for, the output is an empty float tensor of shape [0, 0, 0].

Used by export_onnx.py after torch.onnx.export; also runnable on an exported file:
    python3 training/gate_output.py public/models/expert/onnx/model.onnx
"""
import argparse

import onnx
from onnx import TensorProto, helper

FLAG_INPUT = 'output_layer_logits'
GATED_OUTPUT = 'layer_logits'


def cone_of(nodes, targets):
    """Names of the nodes whose outputs (transitively) feed `targets`."""
    needed, names = set(targets), set()
    for node in reversed(nodes):
        if any(o in needed for o in node.output):
            names.add(node.name)
            needed.update(node.input)
    return names


def gate_output(model, output=GATED_OUTPUT, flag=FLAG_INPUT):
    """Rewrites `model` in place; returns how many nodes moved into the branch (0: already gated)."""
    graph = model.graph
    if any(i.name == flag for i in graph.input):
        return 0
    if not any(o.name == output for o in graph.output):
        raise ValueError(f'the graph has no output {output!r} to gate')
    nodes = list(graph.node)
    for i, node in enumerate(nodes):
        if not node.name:
            node.name = f'gate_unnamed_{i}'
    others = cone_of(nodes, [o.name for o in graph.output if o.name != output])
    mine = cone_of(nodes, [output])
    moved = [n for n in nodes if n.name in mine and n.name not in others]
    if not moved:
        raise ValueError(f'every node of {output!r} is shared with other outputs: nothing to gate')

    then_out = f'{output}/then'
    for node in moved:
        for k, name in enumerate(node.output):
            if name == output:
                node.output[k] = then_out
    float_out = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, None)  # noqa: E731
    then_branch = helper.make_graph(moved, f'{output}_then', [], [float_out(then_out)])
    empty = helper.make_tensor(f'{output}/empty', TensorProto.FLOAT, [0, 0, 0], [])
    else_out = f'{output}/else'
    else_branch = helper.make_graph([helper.make_node('Constant', [], [else_out], value=empty)],
                                    f'{output}_else', [], [float_out(else_out)])
    gate = helper.make_node('If', [flag], [output], name=f'gate_{output}',
                            then_branch=then_branch, else_branch=else_branch)

    kept = [n for n in nodes if n.name not in {m.name for m in moved}]
    del graph.node[:]
    graph.node.extend(kept + [gate])
    graph.input.append(helper.make_tensor_value_info(flag, TensorProto.BOOL, []))
    # The output's first and last dims are 0 when it is not asked for.
    for o in graph.output:
        if o.name == output:
            dims = o.type.tensor_type.shape.dim
            dims[0].Clear()
            dims[0].dim_param = f'{output}_layers'
            dims[2].Clear()
            dims[2].dim_param = f'{output}_vocab'
    return len(moved)


def gate_file(path):
    """Gates the file in place (the caller checks the result: export_onnx.py checks its export once)."""
    model = onnx.load(path)
    moved = gate_output(model)
    if moved:
        onnx.save(model, path)
    return moved


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('paths', nargs='+')
    for path in p.parse_args().paths:
        moved = gate_file(path)
        onnx.checker.check_model(path)
        print(f'[gate] {path}: {moved} nodes moved behind {FLAG_INPUT}', flush=True)


if __name__ == '__main__':
    main()
