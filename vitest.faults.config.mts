import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): crashes, storms and garbage against real Temporal servers.
 * Each case prints a PASS/FAIL line with its figures and fails on any loss; no timing thresholds.
 */
export default defineConfig({
  test: {
    // The Temporal worker's native bridge does not survive worker_threads; each file gets a process.
    pool: 'forks',
    include: ['test/faults/**/*.test.ts'],
    // One shared dev server and workflow bundle (the server-kill case starts its own server).
    globalSetup: ['test/global-setup.ts'],
    // Two files at a time on a 2-core machine: every case is about correctness, none about timing.
    maxWorkers: 2,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
