import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the widgets' runtime (`*.svelte.ts`, Svelte runes) for the tests that drive it in Node.
  plugins: [svelte()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // Property tests run thousands of cases; give slow CI machines room without hiding hangs.
    testTimeout: 60_000,
  },
});
