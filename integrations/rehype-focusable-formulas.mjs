/**
 * A display formula wider than a phone screen scrolls sideways inside its own box
 * (global.css). Keyboard users can only scroll a box that can take focus, so every
 * display formula gets tabindex="0". Runs after rehype-katex, which creates the boxes.
 */
export default function rehypeFocusableFormulas() {
  return (tree) => visit(tree);
}

/** @param {any} node */
function visit(node) {
  if (node.type === 'element') {
    const classes = node.properties?.className;
    const list = Array.isArray(classes) ? classes : typeof classes === 'string' ? classes.split(/\s+/) : [];
    if (list.includes('katex-display')) node.properties.tabIndex = 0;
  }
  for (const child of node.children ?? []) visit(child);
}
