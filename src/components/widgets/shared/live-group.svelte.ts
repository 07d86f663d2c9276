/**
 * Several live sessions stepped together: the playground's methods, DoLa's two divergences, the
 * long generation's three methods. One step steps every member that can, back undoes the
 * furthest members' last step, and loading goes member by member (models they share are loaded
 * once by the worker). Everything else (loading, replay, cancel, GPU-loss recovery, dropping
 * stale replies) each member does itself, as a LiveSession.
 */
import type { SessionSpec, SessionStop } from '../../../lib/runtime/protocol';
import { sameSpec, type LiveSession } from './live-session.svelte';
import { Player } from './player.svelte';
import type { LiveStatus, Steppable } from './steppable';

export interface LiveGroupOptions {
  /**
   * Steps each member takes per Play tick, one member after the other, in one request each
   * (default 1: one step of every member at once).
   */
  stepsPerTick?: number;
  /** Milliseconds between Play ticks (default 350). */
  intervalMs?: number;
  /**
   * After a load or a parameter change, members that replayed to different steps (one changed
   * models, and had nothing to replay) all go back to the prompt, so the methods stay in step
   * (default true). Members that stopped early count as in step.
   */
  alignSteps?: boolean;
  /** Play on to the members' limits as soon as they are loaded or reconfigured (the long generation). */
  playAfterChange?: boolean;
}

export class LiveGroup implements Steppable {
  private readonly player: Player;
  private readonly options: Required<LiveGroupOptions>;
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

  constructor(
    readonly members: readonly LiveSession[],
    options: LiveGroupOptions = {},
  ) {
    this.options = { stepsPerTick: 1, intervalMs: 350, alignSteps: true, playAfterChange: false, ...options };
    this.player = new Player(() => this.tick(), () => this.canAdvance, this.options.intervalMs);
  }

  get playing(): boolean {
    return this.player.playing;
  }

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

  /**
   * Named once every member is ready and live, as for one widget: a member loaded first must not
   * announce the device while the others still load or replay the example on show.
   */
  get device() {
    return this.status === 'ready' && !this.precomputedShown ? (this.members.find((m) => m.device)?.device ?? null) : null;
  }

  get error() {
    return this.members.find((m) => m.error)?.error ?? null;
  }

  get precomputedShown(): boolean {
    return this.members.some((m) => m.precomputedShown);
  }

  /**
   * Busy while anything runs. Play in chunks (the long generation) runs tick after tick with no
   * pause between, so it counts as busy from start to end, as one run: Step and Back wait for
   * it (or for Pause) rather than slipping in between two chunks.
   */
  get busy(): boolean {
    return this.settling || this.player.ticking || (this.options.stepsPerTick > 1 && this.player.playing) || this.members.some((m) => m.busy);
  }

  get canStep(): boolean {
    return !this.busy && this.canAdvance;
  }

  /** A member can take another step and nothing but Play itself is running: Play's own test to go on. */
  private get canAdvance(): boolean {
    return this.status === 'ready' && !this.settling && !this.player.ticking && this.members.some((m) => m.canStep);
  }

  get stepCount(): number {
    return Math.max(0, ...this.members.map((m) => m.stepCount));
  }

  /** Set once every member has stopped: their own reason when they share one. */
  get stop(): SessionStop | null {
    if (this.status !== 'ready' || this.members.some((m) => m.stop === null)) return null;
    const stops = this.members.map((m) => m.stop!);
    if (stops.every((s) => s.message === stops[0].message)) return stops[0];
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
    this.playIfAsked();
  }

  cancel(): void {
    this.cancelled = true;
    for (const member of this.members) member.cancel();
  }

  /**
   * New specs, one per member (in order), and optionally a new limit on the steps each shows
   * (steps beyond it go). One call, so the widget stays busy from the first change to the last:
   * a reader's Back cannot land between the limit and the specs. Members that end up at
   * different steps restart together (alignSteps); Play goes on after it if asked.
   */
  async configure(specs: readonly SessionSpec[], limit?: number): Promise<void> {
    const specsChanged = specs.some((spec, i) => !sameSpec(spec, this.members[i].spec));
    const limitChanged = limit !== undefined && this.members.some((m) => m.limit !== limit);
    if (!specsChanged && !limitChanged) return;
    this.pause();
    await this.settle(async () => {
      if (limitChanged) await Promise.all(this.members.map((m) => m.setLimit(limit!)));
      if (specsChanged) await Promise.all(this.members.map((member, i) => member.configure(specs[i])));
      await this.alignSteps();
    });
    this.playIfAsked();
  }

  /** Members whose replay could not match (new models, no precomputed example) start from the prompt: all start there. */
  private async alignSteps(): Promise<void> {
    if (!this.options.alignSteps || this.status !== 'ready') return;
    const furthest = this.stepCount;
    if (this.members.some((m) => m.stepCount !== furthest && m.stop === null)) await this.reset();
  }

  private playIfAsked(): void {
    if (this.options.playAfterChange) this.player.play();
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
    this.playIfAsked();
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
    await this.player.idle();
    const furthest = this.stepCount;
    await Promise.all(this.members.filter((m) => m.stepCount === furthest && furthest > 0).map((m) => m.back()));
  }

  async reset(): Promise<void> {
    this.pause();
    await this.player.idle();
    await Promise.all(this.members.map((m) => m.reset()));
  }

  togglePlay(): void {
    this.player.toggle();
  }

  play(): void {
    this.player.play();
  }

  pause(): void {
    this.player.pause();
  }

  /**
   * One Play tick. Several steps per tick go member by member, so the texts grow together and a
   * pause takes effect between members.
   */
  private async tick(): Promise<void> {
    if (this.options.stepsPerTick === 1) return this.step();
    for (const member of this.members) {
      if (!this.playing) return;
      if (member.canStep) await member.advance(this.options.stepsPerTick);
    }
  }
}
