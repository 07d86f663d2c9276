/**
 * The role colours of docs/visual-language.md, read from the site's stylesheet: each role has a
 * light and a dark value, each reads against its background (WCAG 1.4.11 asks 3:1 for graphics),
 * no two roles look alike, and every role a chart or widget names exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const css = readFileSync(join(ROOT, 'src', 'styles', 'global.css'), 'utf8');
const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');

function variables(block: string): Map<string, string> {
  return new Map([...block.matchAll(/(--[a-z0-9-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1], m[2].toLowerCase()]));
}
const light = variables(css.slice(0, darkStart));
const dark = variables(css.slice(darkStart, css.indexOf('}\n}', darkStart)));

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
}
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
/** Distance in sRGB, 0..~1.7: below 0.25 two colours read as the same hue at chart sizes. */
function distance(a: string, b: string): number {
  const [x, y] = [channels(a), channels(b)];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

const ROLES = ['target', 'draft', 'premature', 'accepted', 'rejected', 'residual', 'bonus', 'chosen'];

describe.each([
  ['light', light],
  ['dark', dark],
] as const)('%s theme', (_, palette) => {
  const bg = palette.get('--bg') as string;
  it.each(ROLES)('role %s is defined and reads against the background (>= 3:1)', (role) => {
    const value = palette.get(`--role-${role}`);
    expect(value).toMatch(/^#[0-9a-f]{6}$/);
    expect(contrast(value as string, bg)).toBeGreaterThanOrEqual(3);
  });
  it('no two roles look alike', () => {
    for (const a of ROLES) for (const b of ROLES) if (a < b) expect(distance(palette.get(`--role-${a}`)!, palette.get(`--role-${b}`)!), `${a} / ${b}`).toBeGreaterThan(0.25);
  });
});

it('every role named in the source is one of the palette', () => {
  const named = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|svelte|astro|css)$/.test(entry.name)) for (const m of readFileSync(path, 'utf8').matchAll(/--role-([a-z-]+)/g)) named.add(m[1]);
    }
  };
  walk(join(ROOT, 'src'));
  expect([...named].sort()).toEqual([...ROLES].sort());
});
