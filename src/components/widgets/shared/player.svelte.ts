/**
 * Play for a live widget: a tick, then after a pause the next, while the widget can go on.
 * Pause takes effect between ticks, never inside one, so a step is never cut in half.
 */
export class Player {
  playing = $state(false);
  private timer: ReturnType<typeof setTimeout> | null = null;

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
      await this.tick();
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

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }
}
