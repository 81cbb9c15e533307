/**
 * The worker that runs incident workflows and their activities on the `marshal` task queue. Run more
 * of them (against one cluster) to scale out; each incident is then served by whichever is free.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { loggable, type Logger } from './log';
import { TASK_QUEUE } from '../../workflows/queues';
import type { TemporalTarget } from '../../engine/connection';
import { currentPrebuiltWorkflowBundle, failureConverterPath, preloadModules, workflowsPath } from './build-output';

export { workflowsPath } from './build-output';

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
  /** Incidents kept in memory; default DEFAULT_WORKER_CACHE. */
  cache?: number;
}

/**
 * How many workflows a worker keeps in memory. A cached incident holds about 180 KB of the workflow heap; one that is
 * not cached replays its history when a timer, a command or a query wakes it. Open incidents mostly sleep on
 * timers minutes apart and wake in turn, so a cache smaller than them seldom holds the one a timer wakes,
 * while its memory grows with its size. Measured (README, Benchmarks): at 3,000 open incidents, 1,000 cached
 * used less memory (1,239 against 2,049 MiB), less CPU and had reminders less late (p99 0.9 against 1.4 s)
 * than the SDK's default (2,310 here: 600 per GiB of heap), and at 10,000 (November 30) it held reminders to
 * p99 0.9 s where the default let them slip to 6.2 s (December 7, with shared modules and capped heaps: 823 MiB,
 * p99 1.05 s). Far smaller is not better: at 250, 10,000 incidents overwhelmed the worker with replays and its
 * task queue backed up for minutes.
 */
export const DEFAULT_WORKER_CACHE = 1_000;

/**
 * How the worker shares its workflow-task polls between the task queue and its own sticky queue: equally,
 * where the SDK's default (0.2) keeps about one in six on the task queue. A declaration's first task reaches
 * the worker inside the start's answer (eager start) only while the worker has a free task slot; under load
 * about a third did not, and waited on the task queue for the few polls left there: p50 0.5 s, p90 3.3 s,
 * max 7 s (December 7, 32 callers declaring in a closed loop). Equal shares took the capacity from 32-33 to
 * 47-50 declarations a second, the slowest (p99) from 6 s to about 1 s, and CPU per declaration from 30-31 to
 * 18-19 ms in Marshal's process and 28 to 19 ms in the server's (README, Benchmarks, "Eighth pass").
 */
export const WORKFLOW_POLL_SHARES = { nonStickyToStickyPollRatio: 1 } as const;

/**
 * How far a heap may grow past what survived its last full collection before V8 collects again. Left to itself,
 * V8 lets a busy heap grow up to fourfold when collecting is cheap: the worker's workflow heap (mostly its cached
 * incidents) was seen at 787 MB just before a collection that left 233 MB, and that peak is what the machine
 * has to have. Capped at half again, a worker collects more often (each full collection of its workflow heap
 * took 20–110 ms, mostly incremental) and needs about half the memory (README, Benchmarks: "the worker's memory").
 */
export const HEAP_GROWTH_PERCENT = 50;

/** Cap heap growth (HEAP_GROWTH_PERCENT) for every heap in the process, the workflow thread's included. 0 leaves V8's default. */
export function limitHeapGrowth(percent = HEAP_GROWTH_PERCENT): void {
  // V8 reads this flag each time it sets a heap's next limit, so it applies to heaps that already exist too.
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
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

/**
 * For replays outside a worker (`npm run replay`, bench/replay-cost.ts): the SDK's and its core's errors only,
 * so the replay worker's own start/stop lines and the core's copy of each failure do not bury what is printed.
 */
export function installErrorsOnlyRuntime(): void {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
}

export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, tls, apiKey, namespace } = setup.target;
  limitHeapGrowth();
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
    maxCachedWorkflows: setup.cache ?? DEFAULT_WORKER_CACHE,
    ...WORKFLOW_POLL_SHARES,
  }).finally(unregister);
  return { worker, connection };
}

/**
 * A bundle the caller made (tests share one), else the one `npm start` built ahead in dist/ when it is current
 * with the sources, else workflows/ bundled now by webpack (seconds of CPU at every start).
 */
function workflowSource(given: WorkerSetup['workflowBundle']): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (given) return { workflowBundle: given };
  const prebuilt = currentPrebuiltWorkflowBundle();
  return prebuilt ? { workflowBundle: { codePath: prebuilt } } : { workflowsPath, bundlerOptions: { preloadModules } };
}
