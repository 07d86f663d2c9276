/**
 * Every h2 and h3 of a chapter gets an id and, after it, a link to itself (shown on hover and
 * focus; global.css), so a reader can share a link to one section.
 *
 * The link sits beside the heading, in a wrapper, not inside it: inside, its name ("Link to
 * section: ...") would become part of the heading's own accessible name.
 *
 * Ids are set here, before Astro's own heading pass (which keeps an id it finds), from the text a
 * reader sees: Astro's would take every text node, and a KaTeX formula holds its text three times
 * (MathML, its TeX annotation, the visual copy), so "$p$" made "...-exactly-ppp". The same clean
 * text goes to the page as `headingLabels` (id -> text) in the remark-plugin front matter, for the
 * table of contents. Runs after rehype-katex.
 *
 * Only MDX files are touched: those are the chapters. The model cards (Markdown, shown inside the
 * models chapter) are not sections of it.
 */
export default function rehypeHeadingAnchors() {
  return (tree, file) => {
    if (!String(file.history[0] ?? '').endsWith('.mdx')) return;
    /** @type {Map<string, number>} */
    const used = new Map();
    /** @type {Record<string, string>} */
    const labels = {};
    visitParents(tree, (node, parent, index) => {
      if (node.tagName !== 'h2' && node.tagName !== 'h3') return;
      const text = visibleText(node).replace(/\s+/g, ' ').trim();
      node.properties ??= {};
      const id = typeof node.properties.id === 'string' ? node.properties.id : uniqueSlug(text, used);
      node.properties.id = id;
      labels[id] = text;
      parent.children[index] = {
        type: 'element',
        tagName: 'div',
        properties: { className: ['heading-anchored'] },
        children: [node, anchor(id, text)],
      };
    });
    file.data.astro ??= {};
    file.data.astro.frontmatter ??= {};
    file.data.astro.frontmatter.headingLabels = labels;
  };
}

/** @param {string} id @param {string} text */
function anchor(id, text) {
  return {
    type: 'element',
    tagName: 'a',
    properties: { className: ['heading-anchor'], href: `#${id}`, ariaLabel: `Link to section: ${text}` },
    children: [{ type: 'element', tagName: 'span', properties: { ariaHidden: 'true' }, children: [{ type: 'text', value: '#' }] }],
  };
}

/**
 * Text as shown: skips what KaTeX hides from readers (aria-hidden) and the TeX annotation.
 * @param {any} node
 * @returns {string}
 */
function visibleText(node) {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element' && node.type !== 'root') return '';
  if (node.tagName === 'annotation' || node.properties?.ariaHidden === 'true' || node.properties?.ariaHidden === true) return '';
  return (node.children ?? []).map(visibleText).join('');
}

/**
 * GitHub's style of slug (lower case, letters, digits and hyphens), numbered when repeated.
 * @param {string} text @param {Map<string, number>} used
 */
function uniqueSlug(text, used) {
  const base =
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s/g, '-') || 'section';
  const count = used.get(base) ?? 0;
  used.set(base, count + 1);
  return count === 0 ? base : `${base}-${count}`;
}

/**
 * Calls `visit` for every element with its parent and index; a wrapped node is not revisited.
 * @param {any} node
 * @param {(node: any, parent: any, index: number) => void} visit
 */
function visitParents(node, visit) {
  const children = node.children ?? [];
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (child.type !== 'element') continue;
    visit(child, node, i);
    if (children[i] === child) visitParents(child, visit);
  }
}
