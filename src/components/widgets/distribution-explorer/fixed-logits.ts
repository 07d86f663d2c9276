/**
 * A fixed, illustrative next-token example for the first figure. The logits are hand-written
 * (not from a model) so the figure works before any model loads; every probability shown is
 * still computed from them by the decoding core.
 */
export const exampleContext = 'The cat sat on the';

export const exampleTokens: readonly string[] = [
  ' mat',
  ' floor',
  ' sofa',
  ' bed',
  ' roof',
  ' chair',
  ' table',
  ' windows',
  ' dog',
  ' moon',
  '\n',
  ' the',
];

export const exampleLogits = new Float32Array([4.1, 3.2, 2.9, 2.7, 2.0, 1.9, 1.6, 0.9, 0.4, -0.3, -0.8, -1.5]);
