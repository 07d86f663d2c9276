// The site's own client directive (integrations/hydrate-on-interaction.mjs), for type checking.
import 'astro';

declare module 'astro' {
  interface AstroClientDirectives {
    'client:interaction'?: boolean;
  }
}
