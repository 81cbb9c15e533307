import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the pure tests, with no Temporal server, no workflow bundle and no browser, for a
 * quick loop while working on the lifecycle fold, policies, documents, intake rules and text checks.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/policy/**/*.test.ts',
      'test/web/documents.test.ts',
      'test/web/status-model.test.ts',
      'test/web/oncall-picture.test.ts',
      'test/web/console-render.test.ts',
      'test/intake/rules.test.ts',
      'test/channels/*.test.ts',
      'test/store/*.test.ts',
    ],
    testTimeout: 60_000,
  },
});
