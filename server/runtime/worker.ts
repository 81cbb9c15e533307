/**
 * The worker that runs incident workflows and their activities on the `marshal` task queue. Run more
 * of them (against one cluster) to scale out; each incident is then served by whichever is free.
 */
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { loggable, type Logger } from './log';
import { TASK_QUEUE } from '../../workflows/queues';
import type { TemporalTarget } from '../../engine/connection';
import { currentPrebuiltWorkflowBundle, failureConverterPath, workflowsPath } from './build-output';

export { failureConverterPath, workflowBundleOptions, workflowsPath } from './build-output';

/** Running the JavaScript built in dist/ (npm start), not TypeScript under tsx or vitest. */
const runningCompiled = __filename.endsWith('.js');

export interface WorkerSetup {
  target: TemporalTarget;
  /** A pre-built bundle (tests share one); otherwise the worker bundles workflows/ at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activities?: WorkerOptions['activities'];
  taskQueue?: string;
  /** Serve activities only (the store's queue): no workflows are bundled or run. */
  activitiesOnly?: boolean;
}

let runtimeInstalled = false;

/**
 * Send the SDK's own logs (worker state, workflow task failures) through Marshal's JSON logger at warn
 * and above. The runtime can be configured once per process, before the first worker starts.
 */
export function installRuntimeLogging(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const forward = (level: LogLevel, message: string, meta?: object) => {
    const method = level === 'ERROR' ? 'error' : 'warn';
    logger[method]({ ...loggable(meta), source: 'temporal-sdk' }, message);
  };
  try {
    // Marshal stops its workers itself, in order, on SIGINT/SIGTERM: the SDK's own signal handling would shut
    // them all down at once, before the supervisors know the stop was asked for.
    Runtime.install({ logger: new DefaultLogger('WARN', ({ level, message, meta }) => forward(level, message, meta)), shutdownSignals: [] });
  } catch {
    // Already instantiated by an earlier worker in this process: keep its logger.
  }
}

export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, tls, apiKey, namespace } = setup.target;
  const connection = await NativeConnection.connect({ address, tls, apiKey });
  // The SDK loads the failure converter with a plain require: built, its compiled copy beside this file;
  // from TypeScript (tsx, vitest), the source, with tsx's require hook on while the worker is created.
  const unregister = runningCompiled ? () => {} : (await import('tsx/cjs/api')).register();
  const workflowCode = setup.activitiesOnly ? {} : workflowSource(setup.workflowBundle);
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: setup.taskQueue ?? TASK_QUEUE,
    ...workflowCode,
    activities: setup.activities ?? {},
    dataConverter: { failureConverterPath: runningCompiled ? join(__dirname, '..', '..', 'workflows', 'failure-converter.js') : failureConverterPath },
    // A worker going down (stopped, or failing) cancels activities still running after this long, so
    // shutdown always ends; a delivery cut short is retried by the next worker under its idempotency key.
    shutdownForceTime: '20 seconds',
    // About 0.4 MiB per cached incident; a cache smaller than the open incidents makes every timer replay a history.
    ...(process.env.MARSHAL_WORKER_CACHE ? { maxCachedWorkflows: Number(process.env.MARSHAL_WORKER_CACHE) } : {}),
  }).finally(unregister);
  return { worker, connection };
}

/**
 * A bundle the caller made (tests share one), else the one `npm start` built ahead in dist/ when it is current
 * with the sources, else workflows/ bundled now by webpack (seconds of CPU at every start).
 */
function workflowSource(given: WorkerSetup['workflowBundle']): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (given) return { workflowBundle: given };
  const prebuilt = currentPrebuiltWorkflowBundle();
  return prebuilt ? { workflowBundle: { codePath: prebuilt } } : { workflowsPath };
}
