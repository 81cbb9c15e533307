/**
 * `npm run replay -- <history.json> [more.json …]`: replay workflow histories (saved with
 * `temporal workflow show --workflow-id <id> --output json`, or from test/histories/) against today's
 * workflow code, with stack traces. The worker's own bundle runs without them (workflows/stack-traces.ts), so
 * when a workflow task fails in production its error says what went wrong but not where; replaying the
 * workflow's history here shows where. Exits 1 if any history fails to replay.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { bundlerLogger, workflowBundleWithStackTraces } from '../server/runtime/build-output';
import { installErrorsOnlyRuntime } from '../server/runtime/worker';

/** The core reports a failed workflow task as one debug string, with the workflow's stack's line breaks escaped. */
const describe = (error: unknown) => (error instanceof Error ? error.message.replaceAll('\\n', '\n') : String(error));

async function main(): Promise<number> {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: npm run replay -- <history.json> [more.json …]');
    return 2;
  }
  installErrorsOnlyRuntime();
  const { code } = await bundleWorkflowCode({ ...workflowBundleWithStackTraces, logger: bundlerLogger });
  let failed = 0;
  for (const file of files) {
    try {
      const history = JSON.parse(readFileSync(file, 'utf8'));
      // The replay worker stalls (its core panics in a thread) on a history that does not open with a
      // workflow's start naming the workflow type and run: refuse those here.
      const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
      if (typeof started?.workflowType?.name !== 'string' || typeof started?.originalExecutionRunId !== 'string') {
        throw new Error('not a workflow history: its first event must be the workflow execution started event, with the workflow type and run id (save one with temporal workflow show --output json)');
      }
      await Worker.runReplayHistory({ workflowBundle: { code } }, history, basename(file, '.json'));
      console.log(`${file}: replays`);
    } catch (error) {
      failed += 1;
      console.log(`${file}: does not replay\n${describe(error)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

void main().then((code) => process.exit(code));
