import { defineConfig } from '@playwright/test'

// The browser tests run against a real server that scripts/e2e.sh starts
// (make test runs it), in Debian's Chromium: never a downloaded browser.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // The journeys build on each other (the officer submits what the manager
  // approves and the auditor verifies), so they run in order, one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.CUSTOS_E2E_URL ?? 'http://127.0.0.1:8080',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CUSTOS_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
})
