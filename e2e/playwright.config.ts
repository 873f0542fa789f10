// End-to-end suite: real fulcrum, real redis-server / PostgreSQL, Debian's Chromium.
// One worker: specs start real servers and measure real connections, and the machine has 2 cores.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  timeout: 120_000,
  // The axe check (e2e/specs/accessibility.spec.ts) alone takes 1.5–3 min on a busy 2-core machine.
  globalTimeout: 15 * 60_000,
  expect: { timeout: 15_000 },
  use: {
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
    viewport: { width: 1360, height: 900 },
    // The console follows prefers-color-scheme; the specs (and their screenshots) see the dark
    // theme unless they ask for light (theme.spec.ts, accessibility.spec.ts check both).
    colorScheme: 'dark',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
