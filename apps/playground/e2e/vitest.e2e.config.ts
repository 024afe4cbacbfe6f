// The playground's end-to-end tests: Node drives a real headless Chromium (playwright-core) against
// the production build served by `vite preview` (global-setup.ts builds and serves it once).
// Run with `vitest run -c e2e/vitest.e2e.config.ts` from apps/playground (the `test` script does).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { chromiumSkipReason } from './chromium.ts';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const skipReason = chromiumSkipReason();
if (skipReason) console.log(`playground e2e tests skipped: ${skipReason}`);

export default defineConfig({
  root: appRoot,
  test: {
    environment: 'node',
    // `*.e2e.ts`, so the unit test run (plain `vitest run`) never picks these up.
    include: skipReason ? [] : ['e2e/**/*.e2e.ts'],
    passWithNoTests: Boolean(skipReason),
    globalSetup: skipReason ? [] : ['e2e/global-setup.ts'],
    // One browser at a time: the machine has 2 cores and training in the page uses both.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Keep the order of the files stable (screenshots and timings are easier to compare).
    sequence: { shuffle: false },
  },
});
