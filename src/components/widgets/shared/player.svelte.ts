/**
 * Play for a live widget: a tick, then after a pause the next, while the widget can go on.
 * Pause takes effect between ticks, never inside one, so a step is never cut in half.
 */
export class Player {
  playing = $state(false);
  /** True while a tick runs: a widget counts as busy then, so Back and Step wait for it. */
  ticking = $state(false);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly canGoOn: () => boolean,
    private readonly intervalMs: number,
  ) {}

  play(): void {
    if (this.playing || !this.canGoOn()) return;
    this.playing = true;
    const next = async (): Promise<void> => {
      if (!this.playing) return;
      this.ticking = true;
      this.current = this.tick();
      try {
        await this.current;
      } finally {
        this.ticking = false;
      }
      if (this.playing && this.canGoOn()) this.timer = setTimeout(() => void next(), this.intervalMs);
      else this.playing = false;
    };
    void next();
  }

  pause(): void {
    this.playing = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves when the tick running now (if any) has ended; with pause, nothing runs after it. */
  async idle(): Promise<void> {
    await this.current.catch(() => undefined);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }
}
