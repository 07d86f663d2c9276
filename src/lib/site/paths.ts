/**
 * Builds a site-internal URL under the deploy base path (BASE_PATH at build time), so the
 * same build works at a domain root and under a GitHub-Pages-style sub-path.
 */
export function sitePath(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/+$/, '');
  const rest = path.replace(/^\/+/, '');
  return `${base}/${rest}`;
}
