/**
 * DoLa on Hub models: their exports output only logits and the KV cache, so the weights file is
 * given the layer lens as it downloads. The bytes stream through to transformers.js unchanged
 * (its progress keeps counting); when the last one has passed, the graph is read and the lens's
 * nodes are appended as one more protobuf fragment (model/lens/). transformers.js stores what it
 * received in the browser's cache, so a later visit loads the extended model from there.
 *
 * A graph the lens cannot read streams through as it came, and `onOutcome` says why: the model
 * then runs every method but DoLa.
 */
import { layerLensFragment, LAYER_LOGITS_OUTPUT } from '../model/lens/extend-lens';
import { findLayerLens } from '../model/lens/find-lens';
import { readOnnxModel } from '../model/lens/onnx-read';

export type LensOutcome = { kind: 'added'; blocks: number } | { kind: 'own' } | { kind: 'unreadable'; reason: string };

function joined(parts: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

/** The fragment to append to these model bytes, with what happened. */
export function lensFor(bytes: Uint8Array): { fragment: Uint8Array | null; outcome: LensOutcome } {
  try {
    const model = readOnnxModel(bytes);
    if (model.graph.outputs.some((output) => output.name === LAYER_LOGITS_OUTPUT)) return { fragment: null, outcome: { kind: 'own' } };
    const plan = findLayerLens(model.graph);
    return { fragment: layerLensFragment(model, plan), outcome: { kind: 'added', blocks: plan.numLayers } };
  } catch (error) {
    return { fragment: null, outcome: { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) } };
  }
}

/** A fetch that extends the weights file (`isWeights(url)`) of a full GET with the layer lens. */
export function withLayerLens(base: typeof fetch, isWeights: (url: string) => boolean, onOutcome: (outcome: LensOutcome) => void): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const ranged = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).has('range');
    // HEAD and range probes, and partial answers, carry no whole graph to extend.
    if (!isWeights(url) || method !== 'GET' || ranged || response.status !== 200 || !response.body) return response;
    const parts: Uint8Array[] = [];
    let size = 0;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          parts.push(chunk);
          size += chunk.byteLength;
          controller.enqueue(chunk);
        },
        flush(controller) {
          const { fragment, outcome } = lensFor(joined(parts, size));
          parts.length = 0;
          if (fragment) controller.enqueue(fragment);
          onOutcome(outcome);
        },
      }),
    );
    // content-length stays the original's: transformers.js grows its buffer for the fragment.
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
