"""present.* as the new positions only, so no step copies the whole KV cache inside the graph.

torch exports each attention block's cache update as present = Concat(past, new) and attends
over that. In Chromium's WebAssembly those 2 * n_layer Concats are most of a cached step at long
contexts: at 255 tokens they took 8.9 of the expert's 12.7 ms of kernel time (onnxruntime-web's
own profile, one thread), and every present output is then copied out of WASM memory whole.
The runtime keeps the cache in ordinary arrays anyway (Float32KvCache), so it can append.

This rewrite attends over past and new without joining them:
    scores = Concat(Q @ past_key^T, Q @ new_key^T)          [batch, heads, new, past + new]
    weights = Softmax(scores * scale + mask)                   (the export's own mask, unchanged)
    out = weights[..., :past] @ past_value + weights[..., past:] @ new_value
Only score rows are concatenated (new x total values). What present.{i}.key / .value hold is
chosen by a new bool input, `present_new_only`, through one If node:
    true:  the new positions only ([batch, heads, new, head_dim]); the caller appends them
           (the site's runtime, src/lib/runtime/model/transformers-causal-lm.ts);
    false: Concat(past, new) as before, for callers that feed present back as the next past
           (transformers.js generate(); add the input to its forward_params, as for
           output_layer_logits).

Uses only the onnx package:
    python3 training/append_kv_outside.py public/models/expert/onnx/model.onnx [OUT.onnx]
"""
import argparse

import onnx
from onnx import TensorProto, helper

FLAG_INPUT = 'present_new_only'
KV_OUTPUTS_NOTE = ('with input present_new_only true, present.{i}.key/value hold the new positions only '
                   '([batch_size, n_head, new tokens, head_dim]): append them to the past_key_values passed in; '
                   'with it false, past and new together, as a plain GPT-2 export')


def _single_consumer(graph, name):
    found = [n for n in graph.node if name in n.input]
    if len(found) != 1:
        raise ValueError(f'{name} has {len(found)} readers, expected 1')
    return found[0]


def append_kv_outside(model):
    """Rewrites `model` in place; returns how many layers changed (0: already rewritten)."""
    graph = model.graph
    producer = {o: n for n in graph.node for o in n.output}
    layers = sorted(int(o.name.split('.')[1]) for o in graph.output if o.name.startswith('present.') and o.name.endswith('.key'))
    if not layers:
        raise ValueError('the graph has no present.*.key outputs')
    if any(i.name == FLAG_INPUT for i in graph.input):
        return 0
    graph.initializer.extend([
        helper.make_tensor('kvo/zero', TensorProto.INT64, [1], [0]),
        helper.make_tensor('kvo/two', TensorProto.INT64, [1], [2]),
        helper.make_tensor('kvo/three', TensorProto.INT64, [1], [3]),
        helper.make_tensor('kvo/end', TensorProto.INT64, [1], [2 ** 62]),
    ])
    drop, added, joined = set(), {}, []
    for i in layers:
        cat_k, cat_v = producer[f'present.{i}.key'], producer[f'present.{i}.value']
        past_k, new_k = cat_k.input
        past_v, new_v = cat_v.input
        if past_k != f'past_key_values.{i}.key' or past_v != f'past_key_values.{i}.value':
            raise ValueError(f'layer {i}: present is not Concat(past, new)')
        transpose_k = _single_consumer(graph, f'present.{i}.key')
        scores = _single_consumer(graph, transpose_k.output[0])
        weighted = _single_consumer(graph, f'present.{i}.value')
        if transpose_k.op_type != 'Transpose' or scores.op_type != 'MatMul' or weighted.op_type != 'MatMul':
            raise ValueError(f'layer {i}: attention is not MatMul(Q, Transpose(K)) ... MatMul(W, V)')
        perm = [a for a in transpose_k.attribute if a.name == 'perm']
        q, weights = scores.input[0], weighted.input[0]
        p = f'kvo/h.{i}/'
        added[scores.name] = [
            helper.make_node('Transpose', [past_k], [p + 'past_kt'], name=p + 'past_kt', perm=list(perm[0].ints)),
            helper.make_node('Transpose', [new_k], [p + 'new_kt'], name=p + 'new_kt', perm=list(perm[0].ints)),
            helper.make_node('MatMul', [q, p + 'past_kt'], [p + 'past_scores'], name=p + 'past_scores'),
            helper.make_node('MatMul', [q, p + 'new_kt'], [p + 'new_scores'], name=p + 'new_scores'),
            helper.make_node('Concat', [p + 'past_scores', p + 'new_scores'], [scores.output[0]], name=p + 'scores', axis=3),
        ]
        added[weighted.name] = [
            helper.make_node('Shape', [past_k], [p + 'past_shape'], name=p + 'past_shape'),
            helper.make_node('Gather', [p + 'past_shape', 'kvo/two'], [p + 'past_len'], name=p + 'past_len', axis=0),
            helper.make_node('Slice', [weights, 'kvo/zero', p + 'past_len', 'kvo/three'], [p + 'past_w'], name=p + 'past_w'),
            helper.make_node('Slice', [weights, p + 'past_len', 'kvo/end', 'kvo/three'], [p + 'new_w'], name=p + 'new_w'),
            helper.make_node('MatMul', [p + 'past_w', past_v], [p + 'past_out'], name=p + 'past_out'),
            helper.make_node('MatMul', [p + 'new_w', new_v], [p + 'new_out'], name=p + 'new_out'),
            helper.make_node('Add', [p + 'past_out', p + 'new_out'], [weighted.output[0]], name=p + 'out'),
        ]
        drop.update({cat_k.name, cat_v.name, transpose_k.name, scores.name, weighted.name})
        joined += [(f'present.{i}.key', past_k, new_k), (f'present.{i}.value', past_v, new_v)]
    order = []
    for node in graph.node:
        if node.name in added:
            order.extend(added[node.name])
        if node.name not in drop:
            order.append(node)
    # One If for every present output: the new positions, or past and new joined as before.
    float_out = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, None)  # noqa: E731
    only_new = helper.make_graph(
        [helper.make_node('Identity', [new], [f'{name}/new'], name=f'kvo/{name}/new') for name, _, new in joined],
        'present_new_only_then', [], [float_out(f'{name}/new') for name, _, _ in joined])
    whole = helper.make_graph(
        [helper.make_node('Concat', [past, new], [f'{name}/whole'], name=f'kvo/{name}/whole', axis=2) for name, past, new in joined],
        'present_new_only_else', [], [float_out(f'{name}/whole') for name, _, _ in joined])
    order.append(helper.make_node('If', [FLAG_INPUT], [name for name, _, _ in joined], name='kvo/present',
                                  then_branch=only_new, else_branch=whole))
    del graph.node[:]
    graph.node.extend(order)
    graph.input.append(helper.make_tensor_value_info(FLAG_INPUT, TensorProto.BOOL, []))
    for o in graph.output:
        if o.name.startswith('present.'):
            o.type.tensor_type.shape.dim[2].Clear()
            o.type.tensor_type.shape.dim[2].dim_param = 'present_sequence_length'
    return len(layers)


def join_present_inside(model):
    """The form a plain export has: present.* always past + new, no present_new_only input. The If
    gives way to its false branch (the Concats); attention keeps its split form, which computes the
    same values. Used by strip_layer_logits.py for the layer-lens tests. Rewrites `model` in place."""
    graph = model.graph
    gates = [n for n in graph.node if n.op_type == 'If' and list(n.input) == [FLAG_INPUT]]
    if len(gates) != 1:
        raise ValueError(f'expected one If node on {FLAG_INPUT!r}, found {len(gates)}')
    gate = gates[0]
    whole = [a.g for a in gate.attribute if a.name == 'else_branch'][0]
    rename = dict(zip([o.name for o in whole.output], gate.output))
    joins = []
    for node in whole.node:
        node.output[0] = rename[node.output[0]]
        joins.append(node)
    order = []
    for node in graph.node:
        order.extend(joins if node is gate else [node])
    del graph.node[:]
    graph.node.extend(order)
    remaining = [i for i in graph.input if i.name != FLAG_INPUT]
    del graph.input[:]
    graph.input.extend(remaining)


def append_kv_outside_file(path):
    """Rewrites the file in place (export_onnx.py checks the result)."""
    model = onnx.load(path)
    append_kv_outside(model)
    onnx.save(model, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('path')
    parser.add_argument('out', nargs='?')
    args = parser.parse_args()
    model = onnx.load(args.path)
    count = append_kv_outside(model)
    onnx.checker.check_model(model)
    onnx.save(model, args.out or args.path)
    print(f'{args.path}: {count} layers attend without joining the cache; present_new_only chooses what present holds')


if __name__ == '__main__':
    main()
