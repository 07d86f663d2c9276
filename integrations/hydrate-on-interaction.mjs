/**
 * `client:interaction`: an island that hydrates when the reader first reaches for it (a pointer
 * over it, a touch, focus, a key), not when the page loads. Its server-rendered HTML is the
 * figure at its defaults, so the page shows everything at once and runs none of the island's
 * script until someone uses it. The home page's explorer uses it: its first load stays free of
 * long tasks. Svelte keeps a slider value changed before hydration ends (bind:value reads it).
 */
export default function hydrateOnInteraction() {
  return {
    name: 'hydrate-on-interaction',
    hooks: {
      'astro:config:setup': ({ addClientDirective }) => {
        addClientDirective({ name: 'interaction', entrypoint: new URL('./hydrate-on-interaction-directive.mjs', import.meta.url).pathname });
      },
    },
  };
}
