/**
 * Our exports compute layer_logits only when their bool input output_layer_logits is true
 * (training/gate_output.py). transformers.js's generate() hands a model only the inputs named in
 * its forward_params, so a test that calls generate() adds the flag there and passes it.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';

export function layerLogitsFlag(on: boolean): { output_layer_logits: Tensor } {
  return { output_layer_logits: new Tensor('bool', [on], []) };
}

/** Lets generate() pass output_layer_logits through to the model. */
export function acceptLayerLogitsFlag(model: PreTrainedModel): void {
  if (!model.forward_params.includes('output_layer_logits')) model.forward_params = [...model.forward_params, 'output_layer_logits'];
}
