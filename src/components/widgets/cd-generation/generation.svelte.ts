/**
 * The long generation: one LiveSession per method (greedy, nucleus, contrastive decoding) in a
 * LiveGroup that plays each on to the chosen length in chunks, one method after the other, so
 * the three texts grow together at a request per chunk rather than per token.
 */
import type { SessionSpec, SessionStop } from '../../../lib/runtime/protocol';
import { LiveGroup } from '../shared/live-group.svelte';
import { LiveSession, type LiveSessionOptions } from '../shared/live-session.svelte';
import type { PrecomputedExample } from '../shared/precomputed';
import { METHODS, type MethodKey } from './params';

/** Tokens each method runs per Play tick. */
const CHUNK = 8;

export interface Column {
  key: MethodKey;
  tokens: number[];
  texts: string[];
  stop: SessionStop | null;
}

export function generationRace(
  specs: Record<MethodKey, SessionSpec>,
  length: number,
  precomputed: Record<MethodKey, PrecomputedExample>,
  options: Omit<LiveSessionOptions, 'limit'> = {},
): LiveGroup {
  const members = METHODS.map(({ key }) => new LiveSession(specs[key], precomputed[key], 'auto', { ...options, limit: length }));
  // Members stop at different steps (a sampled text can end early) and stay where they are.
  return new LiveGroup(members, { stepsPerTick: CHUNK, intervalMs: 0, alignSteps: false, playAfterChange: true });
}

export function raceSpecs(specs: Record<MethodKey, SessionSpec>): SessionSpec[] {
  return METHODS.map(({ key }) => specs[key]);
}

/** What one method's column shows: its tokens, their text step by step, and why it stopped. */
export function columnOf(key: MethodKey, session: LiveSession): Column {
  return {
    key,
    tokens: session.steps.flatMap((s) => s.tokens),
    texts: session.steps.map((s) => s.text ?? s.tokens.map(session.tokenText).join('')),
    stop: session.stop,
  };
}
