/**
 * A Marshal worker process for bench/timers.ts, so its memory and CPU can be read apart from the load
 * generator. It runs what startStack's worker runs (the shipped workflows and activities) and takes extra
 * Worker options as JSON in BENCH_WORKER_OPTIONS (e.g. {"maxCachedWorkflows": 12000}) to compare settings; the
 * workflow cache is Marshal's default (DEFAULT_WORKER_CACHE) unless they name another.
 * Env: TEMPORAL_ADDRESS, BENCH_TASK_QUEUE, BENCH_POLICY_DIR, BENCH_BUNDLE (a pre-built workflow bundle), and
 * BENCH_HEAP_GROWTH_PERCENT to compare another heap growth cap than Marshal's (0: V8's own default).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createIntakeActivities } from '../activities/intake';
import { createPagingActivities } from '../activities/paging';
import { createLogger } from '../server/runtime/log';
import { Overrides } from '../engine/overrides';
import { readPolicy } from '../server/runtime/policy-follower';
import { PolicyStore } from '../server/runtime/policy-store';
import { DEFAULT_WORKER_CACHE, WORKFLOW_POLL_SHARES, installRuntimeLogging, limitHeapGrowth } from '../server/runtime/worker';

async function main() {
  const address = process.env.TEMPORAL_ADDRESS!;
  const taskQueue = process.env.BENCH_TASK_QUEUE!;
  const source = { kind: 'directory' as const, dir: process.env.BENCH_POLICY_DIR! };
  const extra = JSON.parse(process.env.BENCH_WORKER_OPTIONS || '{}') as Record<string, unknown>;
  const { result } = readPolicy(source);
  if (!result.ok) throw new Error('bench policy is invalid');
  const policies = new PolicyStore(result.policy, source.dir);
  installRuntimeLogging(createLogger('error'));
  // As createWorker does, unless the benchmark compares another cap (BENCH_HEAP_GROWTH_PERCENT=0: V8's default).
  limitHeapGrowth(process.env.BENCH_HEAP_GROWTH_PERCENT === undefined ? undefined : Number(process.env.BENCH_HEAP_GROWTH_PERCENT));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const overrides = new Overrides(client, taskQueue);
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.BENCH_BUNDLE! },
    activities: { ...createPagingActivities({ policies, overrides, client, publicUrl: () => 'http://127.0.0.1:1' }), ...createIntakeActivities(client) },
    // Marshal's own defaults, as createWorker sets them, unless the benchmark compares others.
    maxCachedWorkflows: DEFAULT_WORKER_CACHE,
    ...WORKFLOW_POLL_SHARES,
    ...extra,
  });
  const running = worker.run();
  console.log(`bench worker ready ${JSON.stringify(extra)}`);
  const stop = async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // The benchmark holds our stdin: if it dies without stopping us (a failed run), we go too, not linger for hours.
  process.stdin.on('close', () => process.exit(1));
  process.stdin.resume();
  await running;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
