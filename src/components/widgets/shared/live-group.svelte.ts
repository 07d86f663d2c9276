/**
 * Several live sessions stepped together (the playground): one step steps every member that can,
 * back undoes the furthest members' last step, and loading goes member by member (models they
 * share are loaded once by the worker).
 */
import type { SessionSpec, SessionStop } from '../../../lib/runtime/protocol';
import type { LiveSession } from './live-session.svelte';
import type { LiveStatus, Steppable } from './steppable';

const PLAY_INTERVAL_MS = 350;

export class LiveGroup implements Steppable {
  playing = $state(false);
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Set by cancel: the members not loaded yet are not started until a retry. */
  private cancelled = false;
  /**
   * Loads and reconfigurations in flight. Members finish them one by one and may then be reset
   * to a common step; until all of that is done the group must not offer Step, or a step could
   * land on a member about to be reset.
   */
  private settling = $state(false);
  /** How many of those are in flight; plain, so that an effect that calls configure does not depend on it. */
  private settlingCount = 0;

  constructor(readonly members: readonly LiveSession[]) {}

  get status(): LiveStatus {
    const statuses = this.members.map((m) => m.status);
    if (statuses.includes('error')) return 'error';
    if (statuses.every((s) => s === 'ready')) return 'ready';
    if (statuses.includes('loading') || statuses.includes('ready')) return 'loading';
    return 'waiting';
  }

  get progress() {
    return this.members.find((m) => m.status === 'loading')?.progress ?? null;
  }

  get device() {
    return this.members.find((m) => m.device)?.device ?? null;
  }

  get error() {
    return this.members.find((m) => m.error)?.error ?? null;
  }

  get precomputedShown(): boolean {
    return this.members.some((m) => m.precomputedShown);
  }

  get busy(): boolean {
    return this.settling || this.members.some((m) => m.busy);
  }

  get canStep(): boolean {
    return this.status === 'ready' && !this.busy && this.members.some((m) => m.canStep);
  }

  get stepCount(): number {
    return Math.max(0, ...this.members.map((m) => m.stepCount));
  }

  get stop(): SessionStop | null {
    if (this.status !== 'ready' || this.members.some((m) => m.stop === null)) return null;
    return { kind: 'stopped', reason: 'context-full', message: 'Every method has stopped; go back or reset to continue.' };
  }

  get cutTokens(): number {
    return Math.max(0, ...this.members.map((m) => m.cutTokens));
  }

  get cutCharacters(): number {
    return Math.max(0, ...this.members.map((m) => m.cutCharacters));
  }

  async start(): Promise<void> {
    await this.settle(async () => {
      this.cancelled = false;
      for (const member of this.members) {
        if (this.cancelled) return;
        await member.start();
      }
      await this.alignSteps();
    });
  }

  cancel(): void {
    this.cancelled = true;
    for (const member of this.members) member.cancel();
  }

  /** New specs, one per member (in order); members that end up at different steps restart together. */
  async configure(specs: readonly SessionSpec[]): Promise<void> {
    await this.settle(async () => {
      await Promise.all(this.members.map((member, i) => member.configure(specs[i])));
      await this.alignSteps();
    });
  }

  /** Members whose replay could not match (new models, no precomputed example) start from the prompt: all start there. */
  private async alignSteps(): Promise<void> {
    const counts = new Set(this.members.map((m) => m.stepCount));
    if (this.status === 'ready' && counts.size > 1) await this.reset();
  }

  async release(): Promise<void> {
    this.pause();
    this.cancel();
    for (const member of this.members) await member.release();
  }

  /** Loads again what failed or was cancelled, and starts the members a cancel kept waiting. */
  async retry(): Promise<void> {
    await this.settle(async () => {
      this.cancelled = false;
      for (const member of this.members) {
        if (this.cancelled) return;
        if (member.status === 'error') await member.retry();
        else if (member.status === 'waiting') await member.start();
      }
      await this.alignSteps();
    });
  }

  private async settle(work: () => Promise<void>): Promise<void> {
    this.settlingCount++;
    this.settling = true;
    try {
      await work();
    } finally {
      this.settlingCount--;
      this.settling = this.settlingCount > 0;
    }
  }

  async step(): Promise<void> {
    await Promise.all(this.members.filter((m) => m.canStep).map((m) => m.step()));
  }

  async back(): Promise<void> {
    this.pause();
    const furthest = this.stepCount;
    await Promise.all(this.members.filter((m) => m.stepCount === furthest && furthest > 0).map((m) => m.back()));
  }

  async reset(): Promise<void> {
    this.pause();
    await Promise.all(this.members.map((m) => m.reset()));
  }

  togglePlay(): void {
    if (this.playing) {
      this.pause();
      return;
    }
    if (!this.canStep) return;
    this.playing = true;
    const tick = async (): Promise<void> => {
      if (!this.playing) return;
      await this.step();
      if (this.playing && this.canStep) this.timer = setTimeout(() => void tick(), PLAY_INTERVAL_MS);
      else this.playing = false;
    };
    void tick();
  }

  private pause(): void {
    this.playing = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
