/**
 * The share images: /og/home.png and /og/<chapter>.png, 1200x630, written at build time
 * (Base.astro points og:image and twitter:image at them).
 */
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import css from '../../styles/global.css?raw';
import { type OgContent, ogImagePng, ogPalette } from '../../lib/site/og-image';
import { HOME_DESCRIPTION, SITE_NAME } from '../../lib/site/site-meta';

export async function getStaticPaths(): Promise<{ params: { slug: string }; props: OgContent }[]> {
  const chapters = await getCollection('explainers', ({ data }) => !data.draft);
  const home: OgContent = { siteName: 'An interactive explainer of decoding', title: SITE_NAME, description: HOME_DESCRIPTION };
  return [
    { params: { slug: 'home' }, props: home },
    ...chapters.map((chapter) => ({
      params: { slug: chapter.id },
      props: { siteName: SITE_NAME, kicker: `Chapter ${chapter.data.order}`, title: chapter.data.title, description: chapter.data.description } satisfies OgContent,
    })),
  ];
}

export const GET: APIRoute<OgContent> = async ({ props }) =>
  new Response(new Uint8Array(await ogImagePng(props, ogPalette(css))), { headers: { 'Content-Type': 'image/png' } });
