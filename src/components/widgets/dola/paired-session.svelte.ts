/**
 * Two DoLa sessions stepped together, one per divergence (the paper's JSD and the reference
 * code's), so the widget can put them side by side and mark the steps where they chose different
 * premature layers. It is a LiveSession (the JSD one) to the shared WidgetFrame, whose buttons,
 * keys and load status then drive and describe both.
 */
import type { SessionSpec } from '../../../lib/runtime/protocol';
import { LiveSession } from '../shared/live-session.svelte';
import type { PrecomputedExample } from '../shared/precomputed';

export class PairedSession extends LiveSession {
  /** The second session (the reference code's divergence). */
  readonly partner: LiveSession;

  constructor(spec: SessionSpec, partnerSpec: SessionSpec, precomputed: PrecomputedExample, partnerPrecomputed: PrecomputedExample) {
    super(spec, precomputed);
    this.partner = new LiveSession(partnerSpec, partnerPrecomputed);
  }

  /**
   * Steps shown: the session that is ahead, so the count still moves when one has stopped at
   * end-of-text and Step advances only the other.
   */
  override get stepCount(): number {
    return Math.max(this.steps.length, this.partner.steps.length);
  }

  /** Busy while either session is: a replay after a parameter change runs in both. */
  override get busy(): boolean {
    return super.busy || this.partner.busy;
  }

  /**
   * Either session can still step (one may stop at end-of-text before the other), once neither
   * is busy, so a session still replaying cannot fall behind its partner.
   */
  override get canStep(): boolean {
    return !this.busy && (this.ownCanStep || this.partner.canStep);
  }

  private get ownCanStep(): boolean {
    return this.status === 'ready' && !this.busy && this.stop === null;
  }

  override async start(): Promise<void> {
    // The worker shares one loaded expert between both sessions (loads are reference-counted).
    await Promise.all([super.start(), this.partner.start()]);
  }

  override cancel(): void {
    super.cancel();
    this.partner.cancel();
  }

  override async retry(): Promise<void> {
    await Promise.all([super.retry(), this.partner.retry()]);
  }

  /** New parameters for both sessions; each replays to its own number of steps. */
  async configurePair(spec: SessionSpec, partnerSpec: SessionSpec): Promise<void> {
    await Promise.all([super.configure(spec), this.partner.configure(partnerSpec)]);
  }

  override async step(): Promise<void> {
    const own = this.ownCanStep;
    await Promise.all([own ? super.step() : Promise.resolve(), this.partner.canStep ? this.partner.step() : Promise.resolve()]);
  }

  /** Undoes the latest step of whichever session is ahead (both when they are level). */
  override async back(): Promise<void> {
    const longest = Math.max(this.steps.length, this.partner.steps.length);
    await Promise.all([
      this.steps.length === longest ? super.back() : Promise.resolve(),
      this.partner.steps.length === longest ? this.partner.back() : Promise.resolve(),
    ]);
  }

  override async reset(): Promise<void> {
    await Promise.all([super.reset(), this.partner.reset()]);
  }

  override async release(): Promise<void> {
    await Promise.all([super.release(), this.partner.release()]);
  }
}
