import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal worker's native bridge does not survive worker_threads; each file gets a process.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // The fault suite kills servers and floods them: `npm run test:faults`, on its own.
    exclude: ['test/faults/**', 'node_modules/**'],
    // One Temporal dev server and one workflow bundle shared by every test file.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
