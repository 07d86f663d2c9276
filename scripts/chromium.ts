/**
 * The browser every Node tool drives: Debian's Chromium (set CHROMIUM_PATH for another; nothing
 * downloads one), with the flags that keep it off the network and quiet on a headless machine
 * (/work/shared/ENVIRONMENT.md). --no-sandbox because CI runs as root. Used by the e2e tests,
 * npm run bench, npm run lighthouse and npm run screenshots.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
