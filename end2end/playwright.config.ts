import { defineConfig, devices } from '@playwright/test';

// The suite runs the release server built by `make test` against a fresh SQLite database and
// the dev mailbox, in Debian's Chromium (Playwright's own browser downloads are not available).
const PORT = 3100;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    locale: 'es-EC',
    timezoneId: 'America/Guayaquil',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions: chromium } },
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions: chromium } },
  ],
  webServer: {
    command: 'rm -rf target/e2e && mkdir -p target/e2e && exec target/release/server',
    cwd: '..',
    url: `${BASE_URL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      CLAVE_DATABASE__URL: 'sqlite://target/e2e/clave.db',
      CLAVE_SERVER__LISTEN: `127.0.0.1:${PORT}`,
      CLAVE_SERVER__BASE_URL: BASE_URL,
      CLAVE_SERVER__LOG_FILTER: 'warn',
      LEPTOS_SITE_ROOT: 'target/site',
      // Every test comes from 127.0.0.1 and the demo people are reused across tests and projects:
      // the rate limits (proved by the HTTP tests) are raised so that they never decide a flow.
      // A limit is set whole: its number of requests and its window.
      CLAVE_RATE_LIMITS__PER_IP__REQUESTS: '100000',
      CLAVE_RATE_LIMITS__PER_IP__WINDOW: '10m',
      CLAVE_RATE_LIMITS__PER_IDENTIFICATION__REQUESTS: '100000',
      CLAVE_RATE_LIMITS__PER_IDENTIFICATION__WINDOW: '10m',
    },
  },
});
