import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // Property tests run thousands of cases; give slow CI machines room without hiding hangs.
    testTimeout: 60_000,
  },
});
