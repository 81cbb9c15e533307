/**
 * `npm run worker`: a worker process without HTTP, for scaling out. Point several at one cluster
 * (TEMPORAL_ADDRESS) and they share the task queue; any of them carries any incident on.
 */
import { configFromEnv, startStack } from './stack';

async function main() {
  const config = configFromEnv();
  if (!config.temporal) throw new Error('set TEMPORAL_ADDRESS: a worker process joins an existing cluster (npm start runs the embedded one)');
  const onWorkerFailure = () => {
    console.error('marshal worker: the worker stopped on a fatal error; exiting so it can be restarted');
    void stack.stop().finally(() => process.exit(70));
  };
  const stack = await startStack({ ...config, noHttp: true, onWorkerFailure });
  console.log(`Marshal worker running on task queue ${stack.taskQueue} at ${stack.temporalAddress} (policy ${stack.policies.current.version})`);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: Error) => {
  console.error(`marshal worker: could not start: ${error.message}`);
  process.exit(1);
});
