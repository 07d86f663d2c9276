/** A session's step as the worker sends it to the page. */
import type { SessionStep } from '../../sessions';
import type { SessionStop, StepMessage, StepProfile } from '../protocol';

/** The step, and the stop it brought about (so the page shows it at once, not a click later). */
export function toMessage(
  step: SessionStep<unknown>,
  stopsHere: SessionStop | null,
  profile?: StepProfile,
): StepMessage {
  const message: StepMessage = { kind: 'step', index: step.index, tokens: step.tokens, text: step.text, trace: step.trace as StepMessage['trace'], timing: step.timing };
  if (profile) message.profile = profile;
  return stopsHere ? { ...message, stopsHere } : message;
}
