/**
 * rehype-heading-anchors: ids from the text a reader sees (a KaTeX formula once), unique on the
 * page, a "Link to section" anchor beside each h2/h3 (not inside it), the labels handed to the
 * table of contents, and nothing done to Markdown that is not a chapter (.md).
 */
import { describe, expect, it } from 'vitest';
import rehypeHeadingAnchors from '../../../integrations/rehype-heading-anchors.mjs';

type Node = { type: string; tagName?: string; value?: string; properties?: Record<string, unknown>; children?: Node[] };
const text = (value: string): Node => ({ type: 'text', value });
const el = (tagName: string, properties: Record<string, unknown>, children: Node[]): Node => ({ type: 'element', tagName, properties, children });
// What rehype-katex makes of $p$: MathML with a TeX annotation, and a visual copy hidden from readers.
const formula = el('span', { className: ['katex'] }, [
  el('span', { className: ['katex-mathml'] }, [el('math', {}, [el('semantics', {}, [el('mi', {}, [text('p')]), el('annotation', {}, [text('p')])])])]),
  el('span', { className: ['katex-html'], ariaHidden: 'true' }, [text('p')]),
]);

function run(children: Node[], path = '/site/content/explainers/04-x.mdx') {
  const tree: Node = { type: 'root', children };
  const file = { history: [path], data: {} as { astro?: { frontmatter?: { headingLabels?: Record<string, string> } } } };
  (rehypeHeadingAnchors() as (tree: Node, file: unknown) => void)(tree, file);
  return { tree, labels: file.data.astro?.frontmatter?.headingLabels };
}

describe('rehype-heading-anchors', () => {
  it('ids a heading from its visible text and puts a named link beside it', () => {
    const { tree, labels } = run([el('h3', {}, [text('Why the output is exactly '), formula])]);
    const wrapper = tree.children?.[0];
    expect(wrapper?.tagName).toBe('div');
    expect(wrapper?.properties?.className).toEqual(['heading-anchored']);
    const [heading, link] = wrapper?.children ?? [];
    expect(heading.tagName).toBe('h3');
    expect(heading.properties?.id).toBe('why-the-output-is-exactly-p');
    expect(link.tagName).toBe('a');
    expect(link.properties).toMatchObject({ href: '#why-the-output-is-exactly-p', ariaLabel: 'Link to section: Why the output is exactly p' });
    expect(labels).toEqual({ 'why-the-output-is-exactly-p': 'Why the output is exactly p' });
  });

  it('numbers repeated slugs, keeps an id already given, and leaves h1 and h4 alone', () => {
    const { tree } = run([
      el('h2', {}, [text('Try it')]),
      el('h2', {}, [text('Try it!')]),
      el('h2', { id: 'custom' }, [text('Named')]),
      el('h4', {}, [text('Small')]),
    ]);
    const ids = (tree.children ?? []).map((n) => (n.tagName === 'div' ? n.children?.[0].properties?.id : n.properties?.id));
    expect(ids).toEqual(['try-it', 'try-it-1', 'custom', undefined]);
    expect(tree.children?.[3].tagName).toBe('h4');
  });

  it('does nothing to Markdown that is not a chapter', () => {
    const heading = el('h2', {}, [text('Architecture')]);
    const { tree, labels } = run([heading], '/site/public/models/expert/MODEL_CARD.md');
    expect(tree.children?.[0]).toBe(heading);
    expect(heading.properties).toEqual({});
    expect(labels).toBeUndefined();
  });
});
