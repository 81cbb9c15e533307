/**
 * Run a worker and watch it. A worker that stops on its own (the SDK's core gave up on it) means no
 * workflow runs and no page goes out: it is reported at once, to the log, to /healthz and to the caller's
 * hook, which `npm start` answers by exiting so a supervisor restarts Marshal.
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from './log';

/** The worker as /healthz reports it: `none` where another process serves the task queue. */
export type WorkerHealth = 'running' | 'starting' | 'stopping' | 'stopped' | 'failed' | 'none';

export interface SupervisedWorker {
  health(): WorkerHealth;
  stop(): Promise<void>;
}

export function superviseWorker(name: string, worker: Worker, connection: NativeConnection, logger: Logger, onFailure?: (error: unknown) => void): SupervisedWorker {
  let failed = false;
  let stopping = false;
  const fail = (error: unknown) => {
    if (failed || stopping) return;
    failed = true;
    logger.fatal({ err: error, worker: name }, 'a worker stopped on a fatal error: its workflows and activities wait until Marshal restarts');
    onFailure?.(error);
  };
  const running = worker.run().then(() => fail(new Error('the worker stopped by itself')), fail);
  // A worker that leaves RUNNING unasked is on its way down; its run() may settle only much later,
  // once in-flight activities give up, so the state is watched too.
  const watch = setInterval(() => {
    if (!['INITIALIZED', 'RUNNING'].includes(worker.getState())) fail(new Error(`the worker left RUNNING (${worker.getState()})`));
  }, 500);
  watch.unref();
  return {
    health: () => {
      const state = worker.getState();
      if (failed) return 'failed';
      if (state === 'RUNNING') return 'running';
      if (state === 'INITIALIZED') return 'starting';
      if (!stopping) return 'failed';
      return state === 'STOPPED' ? 'stopped' : 'stopping';
    },
    stop: async () => {
      stopping = true;
      clearInterval(watch);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** The worse of several workers' health: one failed worker makes the process unhealthy. */
export function combinedHealth(healths: WorkerHealth[]): WorkerHealth {
  const order: WorkerHealth[] = ['failed', 'stopping', 'stopped', 'starting', 'running', 'none'];
  return order.find((health) => healths.includes(health)) ?? 'none';
}
