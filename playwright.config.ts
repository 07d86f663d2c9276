import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium';

/**
 * Browser tests drive the system Chromium (Debian's /usr/bin/chromium by default; set
 * CHROMIUM_PATH to use another) against the built site served by `astro preview`.
 * Nothing here downloads a browser.
 */
const port = Number(process.env.E2E_PORT ?? 4329);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'chromium', testIgnore: /webgpu\.spec\.ts$/ },
    {
      // --enable-unsafe-webgpu gives WebGPU a software adapter (SwiftShader): correct, slow.
      name: 'chromium-webgpu',
      testMatch: /webgpu\.spec\.ts$/,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } },
    },
  ],
  webServer: {
    command: `npx astro preview --host 127.0.0.1 --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    // ASTRO_OUT_DIR lets a second checkout of the tests serve its own build.
    env: { ASTRO_TELEMETRY_DISABLED: '1', ...(process.env.ASTRO_OUT_DIR ? { ASTRO_OUT_DIR: process.env.ASTRO_OUT_DIR } : {}) },
  },
});
