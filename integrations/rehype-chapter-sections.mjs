/**
 * Groups a chapter's top-level content into one <section class="chapter-section"> per h2: the
 * heading and everything up to the next h2. global.css lets the browser skip the style and layout
 * of the sections far from the screen (content-visibility), which splits the work of a 100 kB page
 * of formulas into smaller pieces. What comes before the first h2 (the first screen) is left as it
 * is. Runs before rehype-heading-anchors, which wraps each h2 itself.
 *
 * Only MDX files are touched: those are the chapters.
 */
export default function rehypeChapterSections() {
  return (tree, file) => {
    if (!String(file.history[0] ?? '').endsWith('.mdx')) return;
    const children = [];
    let section = null;
    for (const child of tree.children) {
      if (child.type === 'element' && child.tagName === 'h2') {
        section = { type: 'element', tagName: 'section', properties: { className: ['chapter-section'] }, children: [] };
        children.push(section);
      }
      (section ? section.children : children).push(child);
    }
    tree.children = children;
  };
}
