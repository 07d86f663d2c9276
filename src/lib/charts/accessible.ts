/**
 * Gives an Observable Plot chart one accessible name and hides its internals from assistive
 * technology. Plot labels every mark group with aria-label, which ARIA forbids on elements
 * without a role; each chart on this site sits beside a table or text with the same numbers,
 * so the chart itself is announced once, as an image with a name.
 */
export function asAccessibleImage<T extends Element>(chart: T, name: string): T {
  const svg = chart instanceof SVGSVGElement ? chart : chart.querySelector('svg');
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
