import { defineConfig } from '@playwright/test';

/** Debian's Chromium; no browser download ever happens (CI has no internet). */
export const chromiumLaunchOptions = {
  executablePath: process.env.PKCE_PILOT_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: { launchOptions: chromiumLaunchOptions, trace: 'retain-on-failure' },
  projects: [
    { name: 'cli', testMatch: 'cli/**/*.spec.ts' },
    { name: 'web', testMatch: 'app/**/*.spec.ts' },
    { name: 'electron', testMatch: ['app/**/*.spec.ts', 'electron/**/*.spec.ts'] },
  ],
});
