import { defineConfig } from '@playwright/test';

import { chromiumLaunchOptions } from './test/helpers/chromium';

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
