/**
 * The role colours of docs/visual-language.md as CSS variables (src/styles/global.css gives each
 * a light and a dark value). A chart colours a mark by what it is, never by its position.
 */
export const ROLE = {
  target: 'var(--role-target)',
  draft: 'var(--role-draft)',
  premature: 'var(--role-premature)',
  accepted: 'var(--role-accepted)',
  rejected: 'var(--role-rejected)',
  residual: 'var(--role-residual)',
  bonus: 'var(--role-bonus)',
  chosen: 'var(--role-chosen)',
} as const;

export type Role = keyof typeof ROLE;

/** Marks that carry no role: everything else a chart draws. */
export const NEUTRAL = { ink: 'var(--fg)', quiet: 'var(--muted)', line: 'var(--border)' } as const;
