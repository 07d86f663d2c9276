/**
 * Stepping decoders: a model (through the CausalLM interface) plus the decoding core, one step at
 * a time, each step returning the core's trace. Nothing here imports a model runtime.
 */
export type { CausalLM, DecodeTokens, ForwardResult, KvCache, ModelInfo } from './model';
export {
  SteppingSession,
  type RunResult,
  type SessionStep,
  type SessionStop,
  type StepOutcome,
  type StopReason,
} from './session';
export { CachedSequence, type Extension } from './cached-sequence';
export { SamplingSession, type SamplingSessionOptions } from './sampling-session';
export { BeamSession, type BeamSessionOptions } from './beam-session';
export { ContrastiveSession, type ContrastiveSessionOptions } from './contrastive-session';
export { DolaSession, type DolaSessionOptions } from './dola-session';
export { SpeculativeSession, type SpeculativeSessionOptions, type SpeculativeSessionTrace } from './speculative-session';
