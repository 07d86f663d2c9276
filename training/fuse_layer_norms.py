"""The bundled expert in the fused form onnxruntime's transformer optimizer gives GPT-2: each
LayerNorm that follows a residual sum becomes one SkipLayerNormalization (com.microsoft) whose
output 3 is that sum, where anything else reads it (absent on the final norm). The embedding's
token + position sum is fused the same way. Uses only the onnx package (CI has no PyTorch); the
layer-lens tests (tests/integration/lens-expert.test.ts) read the early exits back from it:
    python3 training/fuse_layer_norms.py PLAIN.onnx OUT.onnx   (PLAIN: strip_layer_logits.py's output)

torch exports LayerNorm below opset 17 as
    mean = ReduceMean(x); d = Sub(x, mean); var = ReduceMean(Pow(d, 2));
    y = Add(Mul(Div(d, Sqrt(Add(var, eps))), gamma), beta)
which is what this matches.
"""
import argparse

import onnx
from onnx import helper, numpy_helper


def fuse_layer_norms(model):
    """Rewrites `model` in place; returns how many norms it fused."""
    graph = model.graph
    nodes = list(graph.node)
    producer = {o: n for n in nodes for o in n.output}
    consumers = {}
    for n in nodes:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for n in nodes:
        if n.op_type == 'Constant':
            constants[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)

    def only(name, op):
        found = [c for c in consumers.get(name, []) if c.op_type == op]
        return found[0] if len(found) == 1 else None

    def other_input(node, name):
        rest = [i for i in node.input if i != name]
        return rest[0] if len(rest) == 1 else None

    replaced, removed, fused = {}, set(), 0
    for mean in [n for n in nodes if n.op_type == 'ReduceMean']:
        x = mean.input[0]
        sub = only(x, 'Sub')
        if sub is None or list(sub.input) != [x, mean.output[0]]:
            continue
        pow_ = only(sub.output[0], 'Pow')
        div = only(sub.output[0], 'Div')
        var = pow_ and only(pow_.output[0], 'ReduceMean')
        add_eps = var and only(var.output[0], 'Add')
        sqrt = add_eps and only(add_eps.output[0], 'Sqrt')
        if not (div and sqrt and list(div.input) == [sub.output[0], sqrt.output[0]]):
            continue
        mul = only(div.output[0], 'Mul')
        add_beta = mul and only(mul.output[0], 'Add')
        residual = producer.get(x)
        if not (add_beta and residual is not None and residual.op_type == 'Add'):
            continue
        eps = float(constants[other_input(add_eps, var.output[0])])
        gamma, beta = other_input(mul, div.output[0]), other_input(add_beta, mul.output[0])
        keeps_sum = any(c not in (mean, sub) for c in consumers[x])
        fused_node = helper.make_node(
            'SkipLayerNormalization', [residual.input[0], residual.input[1], gamma, beta],
            [add_beta.output[0], '', '', x] if keeps_sum else [add_beta.output[0]],
            domain='com.microsoft', epsilon=eps, name=f'SkipLayerNorm_{fused}')
        replaced[id(add_beta)] = fused_node
        removed.update(id(n) for n in (residual, mean, sub, pow_, var, add_eps, sqrt, div, mul))
        fused += 1
    kept = [replaced.get(id(n), n) for n in nodes if id(n) not in removed]
    # Topological order: a fused node stands where its norm ended, after everything it reads.
    del graph.node[:]
    graph.node.extend(order(kept, {i.name for i in graph.input} | set(constants)))
    if not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return fused


def order(nodes, available):
    ready, out, pending = set(available) | {''}, [], list(nodes)
    while pending:
        progressed = False
        for n in list(pending):
            if all(i in ready for i in n.input):
                out.append(n)
                ready.update(n.output)
                pending.remove(n)
                progressed = True
        if not progressed:
            raise ValueError(f'cannot order nodes: {pending[0].name} waits for {[i for i in pending[0].input if i not in ready]}')
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('source')
    p.add_argument('out')
    a = p.parse_args()
    model = onnx.load(a.source)
    fused = fuse_layer_norms(model)
    if fused == 0:
        raise SystemExit('no LayerNorm after a residual sum found')
    onnx.save(model, a.out)
    print(f'fused {fused} LayerNorms into SkipLayerNormalization: {a.out}')


if __name__ == '__main__':
    main()
