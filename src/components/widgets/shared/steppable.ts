/**
 * What WidgetFrame needs of a live widget's state: one session (LiveSession) or several stepped
 * together (LiveGroup, the playground).
 */
import type { RuntimeErrorInfo } from '../../../lib/runtime/errors';
import type { DeviceChoice, LoadProgress } from '../../../lib/runtime/protocol';
import type { SessionStop } from '../../../lib/runtime/protocol';

export type LiveStatus = 'waiting' | 'loading' | 'ready' | 'error';

export interface Steppable {
  readonly status: LiveStatus;
  readonly progress: LoadProgress | null;
  readonly device: DeviceChoice | null;
  readonly error: RuntimeErrorInfo | null;
  readonly precomputedShown: boolean;
  readonly busy: boolean;
  readonly playing: boolean;
  readonly canStep: boolean;
  /** Steps shown (for a group: the furthest member). */
  readonly stepCount: number;
  readonly stop: SessionStop | null;
  /** Prompt tokens cut because the prompt was longer than the context. */
  readonly cutTokens: number;
  /** The characters of the prompt those tokens held. */
  readonly cutCharacters: number;
  start(): Promise<void>;
  release(): Promise<void>;
  /** Stops a load in progress (status becomes 'error' with a 'cancelled' error; retry loads again). */
  cancel(): void;
  retry(): Promise<void>;
  step(): Promise<void>;
  back(): Promise<void>;
  reset(): Promise<void>;
  togglePlay(): void;
}
