/**
 * Finds, in a decoder-only model's ONNX graph, what DoLa's early-exit logits are made of:
 * the residual stream after the embedding and after every decoder block, the final norm, and
 * the output projection (lm_head), tied to the token embedding or not.
 *
 * It goes backwards from the `logits` output, so it relies on structure rather than node names
 * (exporters name nodes differently, optimisers rename them):
 *   logits <- projection (MatMul, Gemm or MatMulNBits, then maybe a bias Add and a Cast)
 *          <- final norm (LayerNormalization, SimplifiedLayerNormalization, RMSNormalization,
 *             their Skip* fusions, or the decomposed ReduceMean form)
 *          <- the residual stream, one sum per sublayer.
 * In a pre-norm block h' = h + f(norm(h)), h lies upstream of f(norm(h)) and not the other way
 * round; that picks the stream's side of every sum, whether the sum is an Add or the extra
 * output of a fused Skip*Normalization. The walk stops at the first value that is no such sum,
 * the embedding output, and a stream with 2N sums is N blocks.
 */
import { GraphIndex } from './graph-index';
import type { OnnxGraph, OnnxNode } from './onnx-read';

export class LayerLensError extends Error {
  constructor(message: string) {
    super(`layer lens: ${message}`);
    this.name = 'LayerLensError';
  }
}

export interface LayerLensPlan {
  numLayers: number;
  /** h_0 (embedding output) .. h_{N-1}: the residual stream DoLa's premature layers read. */
  hidden: string[];
  /** The output the mature entry (j = N) is read from. */
  logits: string;
  /**
   * The final norm (`node` is its name, or its ReduceMean's when decomposed) and the residual-stream
   * value below it: its input h_N, or for a fused Skip*Normalization, whose h_N is a sum it need not
   * output, the stream's operand of that sum.
   */
  finalNorm: { opType: string; node: string; input: string };
  projection: {
    /** The node that multiplies by the output matrix: copied for each early exit. */
    head: OnnxNode;
    /** What follows the head on the way to `logits` (a bias Add, a Cast), copied in order after it. */
    after: OnnxNode[];
    /** The initializer behind the output matrix (through Transpose/Cast), when there is one. */
    weight: string | null;
    /** Whether that matrix is the token embedding's; null when either could not be traced. */
    tied: boolean | null;
  };
}

export interface FindLensOptions {
  /** The graph output holding the logits (default 'logits'). */
  logits?: string;
  /** The number of decoder blocks the model's config declares: the finder must agree. */
  numLayers?: number;
}

const HEADS = new Set(['MatMul', 'Gemm', 'MatMulNBits']);
const NORMS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization']);
const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
/** Output index of a Skip*Normalization's input + skip (+ bias) sum (onnxruntime contrib ops). */
const SKIP_SUM_OUTPUT = 3;
/** Nodes a decomposed norm never contains: the backward search for its ReduceMean stops there. */
const NOT_IN_A_NORM = new Set([...HEADS, 'Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'Softmax', 'Gather']);
const DECOMPOSED_NORM_DEPTH = 12;
/** Ops that pass a weight through unchanged in value (for the tied-embedding check). */
const WEIGHT_VIEWS = new Set(['Transpose', 'Cast', 'Identity']);

function describe(node: OnnxNode): string {
  return `${node.opType}${node.name ? ` "${node.name}"` : ''}`;
}

/**
 * The projection that makes `logits`, the nodes between it and `logits` (a bias Add, a Cast of
 * fp16 logits to float32), and the value it projects (the final norm's output).
 */
function findProjection(index: GraphIndex, logits: string): { head: OnnxNode; after: OnnxNode[]; input: string } {
  const made = index.producer(logits);
  if (!made) throw new LayerLensError(`output "${logits}" is not computed by any node`);
  let node = made.node;
  const after: OnnxNode[] = [];
  for (;;) {
    if (node.opType === 'Cast' && after.every((n) => n.opType !== 'Cast')) {
      const below = index.producer(node.inputs[0])?.node;
      if (!below) break;
      after.unshift(node);
      node = below;
      continue;
    }
    if (node.opType === 'Add' && after.every((n) => n.opType !== 'Add')) {
      // lm_head with a bias: Add(MatMul(x, W), b), in either order.
      const sides = node.inputs.map((t) => index.producer(t)?.node ?? null);
      const k = sides.findIndex((n) => n !== null && n.opType === 'MatMul');
      if (k >= 0 && index.initializer(node.inputs[1 - k]) !== null) {
        after.unshift(node);
        node = sides[k] as OnnxNode;
        continue;
      }
    }
    break;
  }
  if (!HEADS.has(node.opType)) {
    throw new LayerLensError(
      `no output projection found: "${logits}" comes from ${describe(node)}, expected MatMul, Gemm or MatMulNBits (optionally + a bias Add, a Cast)`,
    );
  }
  if (node.opType === 'Gemm' && node.attributes.some((a) => a.name === 'transA' && a.i === 1n)) {
    throw new LayerLensError(`the output projection ${describe(node)} transposes its input (transA = 1), which the lens does not handle`);
  }
  return { head: node, after, input: throughCasts(index, node.inputs[0]) };
}

/** Steps back over Cast nodes (fp16 models normalise in fp32). */
function throughCasts(index: GraphIndex, tensor: string): string {
  let t = tensor;
  for (let p = index.producer(t); p && p.node.opType === 'Cast'; p = index.producer(t)) t = p.node.inputs[0];
  return t;
}

/**
 * In a decomposed norm, the normalised value X is what the nearest ReduceMean averages: X itself
 * (LayerNorm's mean) or X squared (RMSNorm; LayerNorm's variance is farther away).
 */
function decomposedNormInput(index: GraphIndex, output: string): { node: OnnxNode; input: string } | null {
  let frontier = [output];
  const seen = new Set(frontier);
  for (let depth = 0; depth < DECOMPOSED_NORM_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const tensor of frontier) {
      const node = index.producer(tensor)?.node;
      if (!node || NOT_IN_A_NORM.has(node.opType)) continue;
      if (node.opType === 'ReduceMean') {
        let x = throughCasts(index, node.inputs[0]);
        const square = index.producer(x)?.node;
        if (square && (square.opType === 'Pow' || (square.opType === 'Mul' && square.inputs[0] === square.inputs[1]))) {
          x = square.inputs[0];
        }
        return { node, input: throughCasts(index, x) };
      }
      for (const input of node.inputs) {
        if (input && !seen.has(input)) {
          seen.add(input);
          next.push(input);
        }
      }
    }
    frontier = next;
  }
  return null;
}

/** Of a sum's two operands, the one on the residual stream (upstream of the other), or null. */
function streamSide(index: GraphIndex, a: string, b: string): string | null {
  if (!a || !b || a === b) return null;
  if (index.isUpstream(a, b)) return a;
  if (index.isUpstream(b, a)) return b;
  return null;
}

/**
 * The final norm, and where the residual stream is read below it: either the norm's input
 * (h_N), or for a fused Skip*Normalization, whose h_N is a sum it may never output, the
 * stream's operand of that sum (h_N minus the last sublayer's output).
 */
function findFinalNorm(
  index: GraphIndex,
  normOutput: string,
): { opType: string; node: string; input: string; streamBelow: string; sums: number } {
  const made = index.producer(normOutput);
  if (!made) throw new LayerLensError(`no final norm found: the projection's input "${normOutput}" is a graph input`);
  const { node } = made;
  if (NORMS.has(node.opType)) {
    return { opType: node.opType, node: node.name, input: node.inputs[0], streamBelow: node.inputs[0], sums: 0 };
  }
  if (SKIP_NORMS.has(node.opType) && made.index === 0) {
    const stream = streamSide(index, node.inputs[0], node.inputs[1]);
    if (stream === null) {
      throw new LayerLensError(`the final norm ${describe(node)} adds two values neither of which is the residual stream`);
    }
    // h_N itself is this node's sum: one residual sum before the walk even starts.
    return { opType: node.opType, node: node.name, input: stream, streamBelow: stream, sums: 1 };
  }
  const decomposed = decomposedNormInput(index, normOutput);
  if (decomposed) {
    return { opType: 'decomposed (ReduceMean)', node: decomposed.node.name, input: decomposed.input, streamBelow: decomposed.input, sums: 0 };
  }
  throw new LayerLensError(
    `no final norm found before the output projection: its input comes from ${describe(node)}, which is no ` +
      `LayerNormalization, SimplifiedLayerNormalization, RMSNormalization, Skip*Normalization or ReduceMean-based norm`,
  );
}

/** The residual stream from `top` down to the embedding output: [top, ..., h_0]. */
function walkStream(index: GraphIndex, top: string): string[] {
  const stream = [top];
  for (let t = top; ; ) {
    const made = index.producer(t);
    if (!made) break;
    const { node } = made;
    const isSum =
      (node.opType === 'Add' && node.domain === '' && node.inputs.length === 2) ||
      (SKIP_NORMS.has(node.opType) && made.index === SKIP_SUM_OUTPUT);
    if (!isSum) break;
    const below = streamSide(index, node.inputs[0], node.inputs[1]);
    if (below === null) break;
    stream.push(below);
    t = below;
  }
  return stream;
}

/** The initializer a weight operand is a view of, or null when it is computed some other way. */
function weightSource(index: GraphIndex, tensor: string): string | null {
  let t = tensor;
  for (let p = index.producer(t); p && WEIGHT_VIEWS.has(p.node.opType); p = index.producer(t)) t = p.node.inputs[0];
  return index.initializer(t) ? t : null;
}

/** The table a token-embedding Gather reads, found near h_0; null when there is none. */
function embeddingTable(index: GraphIndex, h0: string): string | null {
  let frontier = [h0];
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const tensor of frontier) {
      const node = index.producer(tensor)?.node;
      if (!node) continue;
      if ((node.opType === 'Gather' || node.opType === 'GatherBlockQuantized') && index.initializer(node.inputs[0])) {
        const ids = throughCasts(index, node.inputs[1]);
        if (index.isGraphInput(ids)) return node.inputs[0];
      }
      next.push(...node.inputs.filter(Boolean));
    }
    frontier = next;
  }
  return null;
}

export function findLayerLens(graph: OnnxGraph, options: FindLensOptions = {}): LayerLensPlan {
  const logits = options.logits ?? 'logits';
  if (!graph.outputs.some((o) => o.name === logits)) {
    throw new LayerLensError(`the graph has no output "${logits}" (outputs: ${graph.outputs.map((o) => o.name).join(', ')})`);
  }
  const index = new GraphIndex(graph);
  const { head, after, input } = findProjection(index, logits);
  const norm = findFinalNorm(index, input);
  const below = walkStream(index, norm.streamBelow);
  const sums = norm.sums + below.length - 1;
  if (sums === 0) {
    throw new LayerLensError(`no residual stream found: the final norm's input "${norm.input}" is no residual sum`);
  }
  if (sums % 2 !== 0) {
    throw new LayerLensError(
      `found ${sums} residual sums between the embedding and the final norm; a decoder of pre-norm blocks has two per block`,
    );
  }
  const numLayers = sums / 2;
  if (options.numLayers !== undefined && options.numLayers !== numLayers) {
    throw new LayerLensError(`the graph's residual stream has ${numLayers} blocks, but the model's config says ${options.numLayers}`);
  }
  // `below` runs from the top down; in stream order, h_j sits after 2j sums. h_N is not needed:
  // the mature entry is read from the logits.
  const inOrder = [...below].reverse();
  const hidden = Array.from({ length: numLayers }, (_, j) => inOrder[2 * j]);
  const weight = weightSource(index, head.inputs[1]);
  const table = embeddingTable(index, inOrder[0]);
  return {
    numLayers,
    hidden,
    logits,
    finalNorm: { opType: norm.opType, node: norm.node, input: norm.input },
    projection: { head, after, weight, tied: weight === null || table === null ? null : weight === table },
  };
}
