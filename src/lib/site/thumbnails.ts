/**
 * The home page's chapter thumbnails: written by `npm run screenshots` (the top of each
 * chapter's first figure, or first chart, in a 16:9 frame of the 1280-wide page at half scale)
 * and shown on the chapter cards, light or dark with the reader's colour scheme.
 */
export const THUMBNAIL = { width: 840, height: 472, scale: 0.5 } as const;

export function thumbnailPath(chapter: string, scheme: 'light' | 'dark'): string {
  return `/thumbnails/${chapter}-${scheme}.jpg`;
}
