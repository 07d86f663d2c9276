/**
 * rehype-chapter-sections: one section per h2 (the heading and what follows it, up to the next
 * h2), the content before the first h2 left in place, h3s inside their h2's section, and nothing
 * done to Markdown that is not a chapter (.md).
 */
import { describe, expect, it } from 'vitest';
import rehypeChapterSections from '../../../integrations/rehype-chapter-sections.mjs';

type Node = { type: string; tagName?: string; value?: string; properties?: Record<string, unknown>; children?: Node[] };
const el = (tagName: string, value: string): Node => ({ type: 'element', tagName, properties: {}, children: [{ type: 'text', value }] });
const shape = (node: Node): unknown =>
  node.tagName === 'section' ? { section: node.properties?.className, children: (node.children ?? []).map(shape) } : (node.tagName ?? node.type);

function run(children: Node[], path = '/site/content/explainers/03-x.mdx'): Node {
  const tree: Node = { type: 'root', children };
  (rehypeChapterSections() as (tree: Node, file: unknown) => void)(tree, { history: [path] });
  return tree;
}

describe('rehype-chapter-sections', () => {
  it('wraps each h2 and what follows it in a section, after an untouched opening', () => {
    const widget: Node = { type: 'mdxJsxFlowElement' };
    const tree = run([el('p', 'intro'), el('h2', 'A'), el('p', 'a'), el('h3', 'A.1'), widget, el('h2', 'B'), el('p', 'b')]);
    expect((tree.children ?? []).map(shape)).toEqual([
      'p',
      { section: ['chapter-section'], children: ['h2', 'p', 'h3', 'mdxJsxFlowElement'] },
      { section: ['chapter-section'], children: ['h2', 'p'] },
    ]);
  });

  it('leaves a chapter without h2 and a Markdown file as they are', () => {
    expect((run([el('p', 'x'), el('h3', 'y')]).children ?? []).map(shape)).toEqual(['p', 'h3']);
    expect((run([el('h2', 'A'), el('p', 'a')], '/site/public/models/expert/MODEL_CARD.md').children ?? []).map(shape)).toEqual(['h2', 'p']);
  });
});
