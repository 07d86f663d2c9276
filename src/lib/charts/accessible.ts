/**
 * Gives an Observable Plot chart one accessible name and hides its internals from assistive
 * technology. Plot labels every mark group with aria-label, which ARIA forbids on elements
 * without a role; each chart on this site sits beside a table or text with the same numbers,
 * so the chart itself is announced once, as an image with a name.
 */
export function asAccessibleImage<T extends Element>(chart: T, name: string): T {
  // With a legend, Plot returns a <figure>: legends first (swatches as small svgs inside a div, a
  // colour ramp as an svg child of its own), then the chart as the figure's last svg child. The
  // legends are hidden here since their text says the same.
  // By name, not instanceof: a chart drawn at build time comes from another document's classes.
  const svgs = chart.localName === 'svg' ? [chart] : [...chart.querySelectorAll('svg')];
  const svg = svgs.findLast((s) => s.parentElement === (chart as Element)) ?? svgs[0];
  for (const other of svgs) if (other !== svg) other.setAttribute('aria-hidden', 'true');
  for (const el of chart.querySelectorAll('[aria-label], [aria-description]')) {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  }
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', name);
  }
  return chart;
}
