/**
 * Puts one chart into an element and keeps it right: it loads the chart's builder on demand (so
 * Observable Plot is fetched with the first chart, not with the page), draws at the element's
 * width, redraws when that width or the colour scheme changes, and stops when disposed.
 */

/** Every chart builder: its data, then options that include the width to fit. */
export type ChartBuilder = (data: never, options: never) => Element;
export type ChartLoader<B extends ChartBuilder> = () => Promise<B>;
export type ChartData<B extends ChartBuilder> = Parameters<B>[0];
export type ChartOptions<B extends ChartBuilder> = Omit<NonNullable<Parameters<B>[1]>, 'width'>;

export interface ChartMount<B extends ChartBuilder> {
  chart: ChartLoader<B>;
  /** null draws nothing (the element is emptied). */
  data: ChartData<B> | null;
  options: ChartOptions<B>;
  /** Narrower containers scroll rather than squeeze the chart below this. */
  minWidth?: number;
}

export const DEFAULT_MIN_WIDTH = 280;

/** A Svelte action (also usable by hand): returns update and destroy. */
export function mountChart<B extends ChartBuilder>(node: HTMLElement, initial: ChartMount<B>) {
  let current = initial;
  let builder: B | null = null;
  let loading = 0;
  let drawnWidth = -1;
  let disposed = false;

  const draw = () => {
    if (disposed || builder === null) return;
    drawnWidth = node.clientWidth;
    if (current.data === null) {
      node.replaceChildren();
      return;
    }
    const width = Math.max(current.minWidth ?? DEFAULT_MIN_WIDTH, node.clientWidth);
    const build = builder as unknown as (data: unknown, options: unknown) => Element;
    node.replaceChildren(build(current.data, { ...current.options, width }));
  };

  const load = () => {
    const ticket = ++loading;
    builder = null;
    current.chart().then(
      (loaded) => {
        if (disposed || ticket !== loading) return;
        builder = loaded;
        draw();
      },
      (error: unknown) => {
        if (disposed || ticket !== loading) return;
        const message = document.createElement('p');
        message.className = 'chart-error';
        message.textContent = `This chart could not load (${error instanceof Error ? error.message : String(error)}). Reload the page to try again; the numbers beside it are unaffected.`;
        node.replaceChildren(message);
      },
    );
  };

  // Rotation, window resizes and opening a side panel change the column's width.
  const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => node.clientWidth !== drawnWidth && draw());
  resize?.observe(node);
  // Colours are CSS variables, but Plot bakes some (legend swatches, computed contrasts) into the SVG.
  const scheme = typeof matchMedia === 'undefined' ? null : matchMedia('(prefers-color-scheme: dark)');
  scheme?.addEventListener('change', draw);

  load();
  return {
    update(next: ChartMount<B>) {
      const reload = next.chart !== current.chart;
      current = next;
      if (reload) load();
      else draw();
    },
    destroy() {
      disposed = true;
      resize?.disconnect();
      scheme?.removeEventListener('change', draw);
    },
  };
}
