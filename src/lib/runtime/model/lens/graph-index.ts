/**
 * Lookups over one ONNX graph that the lens's finder asks again and again: which node makes a
 * tensor, which tensors are weights or graph inputs, and whether one tensor lies upstream of
 * another.
 */
import type { OnnxGraph, OnnxInitializer, OnnxNode } from './onnx-read';

export interface Producer {
  node: OnnxNode;
  /** Which of the node's outputs the tensor is. */
  index: number;
}

export class GraphIndex {
  private readonly producers = new Map<string, Producer>();
  private readonly initializers = new Map<string, OnnxInitializer>();
  private readonly graphInputs: Set<string>;

  constructor(readonly graph: OnnxGraph) {
    for (const node of graph.nodes) {
      node.outputs.forEach((output, index) => {
        if (output) this.producers.set(output, { node, index });
      });
    }
    for (const init of graph.initializers) this.initializers.set(init.name, init);
    this.graphInputs = new Set(graph.inputs.map((i) => i.name));
  }

  producer(tensor: string): Producer | null {
    return this.producers.get(tensor) ?? null;
  }

  initializer(tensor: string): OnnxInitializer | null {
    return this.initializers.get(tensor) ?? null;
  }

  isGraphInput(tensor: string): boolean {
    return this.graphInputs.has(tensor) && !this.initializers.has(tensor);
  }

  /** Every tensor name in use, for picking new names that clash with none. */
  hasTensor(tensor: string): boolean {
    return this.producers.has(tensor) || this.initializers.has(tensor) || this.graphInputs.has(tensor);
  }

  /**
   * Whether `tensor` is computed before `of`: `of` depends on it or on another output of the node
   * that makes it. The node level matters for fused norms, whose residual sum is one output and
   * whose normalised value (what the next sublayer reads) is another.
   */
  isUpstream(tensor: string, of: string): boolean {
    const target = this.producers.get(tensor)?.node ?? null;
    const seenNodes = new Set<OnnxNode>();
    const stack = [of];
    const seenTensors = new Set<string>(stack);
    while (stack.length > 0) {
      const current = stack.pop() as string;
      if (current === tensor) return true;
      const node = this.producers.get(current)?.node;
      if (!node || seenNodes.has(node)) continue;
      if (node === target && current !== of) return true;
      seenNodes.add(node);
      for (const input of node.inputs) {
        if (input && !seenTensors.has(input)) {
          seenTensors.add(input);
          stack.push(input);
        }
      }
    }
    return false;
  }
}
