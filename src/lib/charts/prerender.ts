/**
 * A chart drawn at build time, as markup: a figure can show it before any of its script runs
 * (the home page's explorer, which hydrates only when used). Build-time only: it draws in a jsdom
 * document, so no page may import it.
 */
import { probabilityBars, type ProbabilityBar, type ProbabilityBarsOptions } from './probabilityBars';

export async function prerenderProbabilityBars(bars: readonly ProbabilityBar[], options: Omit<ProbabilityBarsOptions, 'document'>): Promise<string> {
  const { JSDOM } = await import('jsdom');
  const { document } = new JSDOM('').window;
  const chart = probabilityBars(bars, { ...options, document });
  // Plot's own <style> would become a <link> in the built page (integrations/externalize-inline-code),
  // which inside an <svg> swallows the rest of the chart; Chart.svelte's styles do its job instead.
  for (const style of chart.querySelectorAll('style')) style.remove();
  return chart.outerHTML;
}
