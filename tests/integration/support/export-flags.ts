/**
 * Our exports compute layer_logits only when their bool input output_layer_logits is true
 * (training/gate_output.py), and return present.* as only the new positions when
 * present_new_only is true (training/append_kv_outside.py). transformers.js's generate() hands a
 * model only the inputs named in its forward_params, and feeds present back as the next past, so
 * a test that calls generate() adds both flags there and passes present_new_only false.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';

export function exportFlags(layerLogits: boolean): { output_layer_logits: Tensor; present_new_only: Tensor } {
  return { output_layer_logits: new Tensor('bool', [layerLogits], []), present_new_only: new Tensor('bool', [false], []) };
}

/** Lets generate() pass output_layer_logits and present_new_only through to the model. */
export function acceptExportFlags(model: PreTrainedModel): void {
  const missing = ['output_layer_logits', 'present_new_only'].filter((name) => !model.forward_params.includes(name));
  model.forward_params = [...model.forward_params, ...missing];
}
