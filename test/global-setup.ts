/**
 * Once per `npm test`: start a real Temporal dev server (headless, its own data dir), bundle the
 * workflows once, and find the time-skipping test server. Test files read these through `inject`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { findBinary, notFoundMessage, TEMPORAL_TEST_SERVER } from '../server/runtime/binaries';
import { startDevServer } from '../server/runtime/dev-server';
import { openStore } from '../store';
import { bundlerLogger, workflowBundleOptions } from '../server/runtime/build-output';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    testServerPath: string;
    storeTemplatePath: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'marshal-test-'));
  const storeTemplatePath = join(dataDir, 'store-template');
  const [server, , bundle] = await Promise.all([
    startDevServer({ dataDir, headless: true }),
    // Initialising an embedded store takes seconds; every stack copies this one instead.
    openStore({ dir: storeTemplatePath }).then((store) => store.close()),
    bundleWorkflowCode({ ...workflowBundleOptions, logger: bundlerLogger }),
  ]);
  const workflowBundlePath = join(dataDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  const testServer = findBinary(TEMPORAL_TEST_SERVER);
  if (!testServer.found) throw new Error(notFoundMessage(TEMPORAL_TEST_SERVER, testServer.tried));
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('testServerPath', testServer.found.path);
  project.provide('storeTemplatePath', storeTemplatePath);
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
