/**
 * bundle-page-styles joins a page's <head> style sheet links into one, in order, and leaves
 * everything else as it was.
 */
import { describe, expect, it } from 'vitest';
import { bundleHeadStyles } from '../../../integrations/bundle-page-styles.mjs';

const page = (head: string, body = '<p>text</p>') => `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;

describe('bundleHeadStyles', () => {
  it('replaces the head links by one link to a bundle of them, in document order', async () => {
    const seen: string[][] = [];
    const result = await bundleHeadStyles(
      page('<link rel="stylesheet" href="/_astro/a.css"><title>t</title><link rel="stylesheet" href="/_astro/b.css"><link rel="stylesheet" href="/_astro/c.css">'),
      async (hrefs) => {
        seen.push(hrefs);
        return '/_astro/styles.x.css';
      },
    );
    expect(seen).toEqual([['/_astro/a.css', '/_astro/b.css', '/_astro/c.css']]);
    expect(result.joined).toBe(3);
    expect(result.html).toBe(page('<link rel="stylesheet" href="/_astro/styles.x.css"><title>t</title>'));
  });

  it('leaves links in the body (after an island) and media-specific links alone', async () => {
    const html = page(
      '<link rel="stylesheet" href="/_astro/a.css"><link rel="stylesheet" href="/_astro/p.css" media="print"><link rel="stylesheet" href="/_astro/b.css">',
      '<link rel="stylesheet" href="/_astro/inline.css">',
    );
    const result = await bundleHeadStyles(html, async () => '/_astro/styles.y.css');
    expect(result.html).toBe(
      page('<link rel="stylesheet" href="/_astro/styles.y.css"><link rel="stylesheet" href="/_astro/p.css" media="print">', '<link rel="stylesheet" href="/_astro/inline.css">'),
    );
  });

  it('does nothing to a page with one style sheet or none', async () => {
    const one = page('<link rel="stylesheet" href="/_astro/a.css">');
    const bundle = async (): Promise<string> => {
      throw new Error('no bundle expected');
    };
    expect(await bundleHeadStyles(one, bundle)).toEqual({ html: one, joined: 0 });
    expect(await bundleHeadStyles(page(''), bundle)).toEqual({ html: page(''), joined: 0 });
  });
});
