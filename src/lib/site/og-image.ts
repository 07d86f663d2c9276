/**
 * A page's share image (Open Graph, 1200x630 PNG), drawn at build time with no network: satori
 * lays the text out as SVG paths with Inter from @fontsource/inter, resvg rasterises it. Colours are
 * the site's light theme, read from global.css by the caller, so the image follows a palette change.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';

export const OG_WIDTH = 1200;
export const OG_HEIGHT = 630;

export interface OgPalette {
  bg: string;
  fg: string;
  muted: string;
  accent: string;
  border: string;
  /** The role colours, shown as a strip: the site's one visual signature. */
  roles: string[];
}

export interface OgContent {
  siteName: string;
  /** "Chapter 3", or nothing for the home page. */
  kicker?: string;
  title: string;
  description: string;
}

/** `--name: #rrggbb` declarations of the light theme (the part of the stylesheet before its dark block). */
export function lightTokens(css: string): Map<string, string> {
  const light = css.slice(0, css.indexOf('@media (prefers-color-scheme: dark)'));
  return new Map([...light.matchAll(/(--[a-z0-9-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1], m[2]]));
}

export function ogPalette(css: string): OgPalette {
  const tokens = lightTokens(css);
  const token = (name: string): string => {
    const value = tokens.get(name);
    if (!value) throw new Error(`og-image: global.css has no ${name} colour`);
    return value;
  };
  const roles = [...tokens.keys()].filter((name) => name.startsWith('--role-')).map(token);
  return { bg: token('--bg'), fg: token('--fg'), muted: token('--muted'), accent: token('--accent'), border: token('--border'), roles };
}

const require = createRequire(import.meta.url);
let fonts: { name: string; data: Buffer; weight: 400 | 700; style: 'normal' }[] | undefined;
function interFonts(): NonNullable<typeof fonts> {
  // satori reads TTF, OTF and WOFF, not WOFF2.
  fonts ??= ([400, 700] as const).map((weight) => ({
    name: 'Inter',
    data: readFileSync(require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff`)),
    weight,
    style: 'normal' as const,
  }));
  return fonts;
}

type Node = { type: string; props: { style?: Record<string, unknown>; children?: unknown } };
const box = (style: Record<string, unknown>, children?: unknown): Node => ({ type: 'div', props: { style: { display: 'flex', ...style }, children } });

const PAD_X = 72;
const RULE = 8;
const INDENT = 40;

export async function ogImagePng(content: OgContent, palette: OgPalette): Promise<Buffer> {
  // Sizes are explicit: in satori's layout a long line of text widened its box past the image,
  // and a growing middle box ran on under the strip of role colours.
  const textWidth = OG_WIDTH - 2 * PAD_X - RULE - INDENT;
  const tree = box(
    { width: OG_WIDTH, height: OG_HEIGHT, flexDirection: 'column', background: palette.bg, fontFamily: 'Inter', padding: `64px ${PAD_X}px 0` },
    [
      box({ fontSize: 30, fontWeight: 700, color: palette.accent }, content.siteName),
      box({ height: 400, flexDirection: 'column', justifyContent: 'center', borderLeft: `${RULE}px solid ${palette.accent}`, paddingLeft: INDENT, marginTop: 32 }, [
        ...(content.kicker ? [box({ width: textWidth, fontSize: 30, color: palette.muted, marginBottom: 8 }, content.kicker)] : []),
        box({ width: textWidth, fontSize: content.title.length > 30 ? 64 : 80, fontWeight: 700, color: palette.fg, lineHeight: 1.1 }, content.title),
        box({ width: textWidth, fontSize: 30, color: palette.muted, lineHeight: 1.4, marginTop: 28 }, content.description),
      ]),
      box({ position: 'absolute', left: 0, bottom: 0, width: OG_WIDTH, height: 20 }, palette.roles.map((colour) => box({ flexGrow: 1, height: 20, background: colour }))),
    ],
  );
  const svg = await satori(tree as Parameters<typeof satori>[0], { width: OG_WIDTH, height: OG_HEIGHT, fonts: interFonts() });
  return new Resvg(svg, { fitTo: { mode: 'width', value: OG_WIDTH } }).render().asPng();
}
