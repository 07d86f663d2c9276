/**
 * A plain HTML legend above a speculative-sampling chart. Plot's own legend adds swatch SVGs
 * before the chart, which would take the accessible name that asAccessibleImage gives the first
 * SVG it finds; a text legend is read out as text and themes through the same CSS variables.
 */
export interface LegendItem {
  label: string;
  color: string;
  /** 'bar' draws a filled square, 'tick' a vertical line, 'dot' a diamond. */
  shape: 'bar' | 'tick' | 'dot';
}

export function withLegend(chart: Element, items: readonly LegendItem[]): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'speculative-chart';
  const legend = document.createElement('p');
  legend.style.cssText = 'display:flex;flex-wrap:wrap;gap:0.25rem 1rem;margin:0 0 0.25rem;font-size:0.85rem';
  for (const item of items) {
    const entry = document.createElement('span');
    const swatch = document.createElement('span');
    swatch.setAttribute('aria-hidden', 'true');
    const size = item.shape === 'tick' ? 'width:3px;height:0.9rem' : 'width:0.8rem;height:0.8rem';
    const turn = item.shape === 'dot' ? ';transform:rotate(45deg) scale(0.75)' : '';
    swatch.style.cssText = `display:inline-block;vertical-align:middle;margin-right:0.3rem;background:${item.color};${size}${turn}`;
    entry.append(swatch, document.createTextNode(item.label));
    legend.append(entry);
  }
  wrapper.append(legend, chart);
  return wrapper;
}
