/**
 * The worker that runs incident workflows and their activities on the `marshal` task queue. Run more
 * of them (against one cluster) to scale out; each incident is then served by whichever is free.
 */
import { join } from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUE } from '../workflows/messages';
import type { TemporalTarget } from './temporal/connection';

export const workflowsPath = join(__dirname, '..', 'workflows', 'index.ts');

export interface WorkerSetup {
  target: TemporalTarget;
  /** A pre-built bundle (tests share one); otherwise the worker bundles workflows/ at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activities?: WorkerOptions['activities'];
}

export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, tls, apiKey, namespace } = setup.target;
  const connection = await NativeConnection.connect({ address, tls, apiKey });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: TASK_QUEUE,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath }),
    activities: setup.activities ?? {},
  });
  return { worker, connection };
}
