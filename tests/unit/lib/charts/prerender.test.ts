/**
 * A chart drawn at build time (Node, no page document): the same marks as the live builder draws
 * in a page, without Plot's style element (which the built page would turn into a <link> that
 * swallows the rest of an inline SVG), and announced as one image.
 */
import { describe, expect, it } from 'vitest';
import { prerenderProbabilityBars } from '../../../../src/lib/charts/prerender';

const BARS = [
  { label: '␣mat', before: 0.5, after: 0.7 },
  { label: '␣floor', before: 0.3, after: 0.3 },
  { label: '␣sofa', before: 0.2, after: 0 },
];

describe('prerenderProbabilityBars', () => {
  it('draws without a page document, as one named image with every bar and label', async () => {
    expect(typeof document).toBe('undefined');
    const markup = await prerenderProbabilityBars(BARS, { ariaLabel: 'Three tokens', width: 480 });
    expect(markup).toMatch(/^<svg [^>]*role="img"[^>]*aria-label="Three tokens"/);
    expect(markup).toContain('viewBox="0 0 480 134"');
    expect(markup).not.toContain('<style');
    expect(markup.match(/<rect /g)).toHaveLength(BARS.length);
    for (const text of ['␣mat', '␣floor', '␣sofa', '0.700', 'Probability →']) expect(markup).toContain(`>${text}</text>`);
  });
});
