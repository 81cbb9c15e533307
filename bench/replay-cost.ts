/**
 * What the worker spends on an incident's workflow code, isolated from the server: replay one recorded
 * history (test/histories/) many times in this process and divide its CPU time by the replays. The worker's
 * own bundle (no stack traces, workflows/stack-traces.ts) against the same code with the SDK's stack traces,
 * alternating, so the ratio is from one run.
 * Run: npx tsx bench/replay-cost.ts [replays=300] [history=archived-when-settled.json] [--rounds=2] [--name=replay-cost].
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { bundlerLogger, workflowBundleOptions, workflowBundleWithStackTraces } from '../server/runtime/build-output';
import { installErrorsOnlyRuntime } from '../server/runtime/worker';
import { describeMachine, flag, machine, positional, writeResult } from './support';

const replays = Number(positional[0] ?? 300);
const historyName = positional[1] ?? 'archived-when-settled.json';
const rounds = Number(flag('rounds') ?? 2);
const name = flag('name') ?? 'replay-cost';

/** CPU milliseconds of this process per replay of `history`, replayed `replays` times through one replay worker. */
async function cpuPerReplay(code: string, history: unknown): Promise<number> {
  async function* histories() {
    for (let i = 0; i < replays; i += 1) yield { history, workflowId: `replay-${i}` };
  }
  const before = process.cpuUsage();
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, histories())) {
    if (result.error) throw result.error;
  }
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / 1000 / replays) * 10) / 10;
}

async function main() {
  installErrorsOnlyRuntime();
  const history = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'histories', historyName), 'utf8'));
  const bundles = {
    worker: (await bundleWorkflowCode({ ...workflowBundleOptions, logger: bundlerLogger })).code,
    withStackTraces: (await bundleWorkflowCode({ ...workflowBundleWithStackTraces, logger: bundlerLogger })).code,
  };
  // A first pass of each warms the JIT and the replay machinery; not counted.
  await cpuPerReplay(bundles.worker, history);
  await cpuPerReplay(bundles.withStackTraces, history);
  const measured: { worker: number[]; withStackTraces: number[] } = { worker: [], withStackTraces: [] };
  for (let round = 0; round < rounds; round += 1) {
    measured.withStackTraces.push(await cpuPerReplay(bundles.withStackTraces, history));
    measured.worker.push(await cpuPerReplay(bundles.worker, history));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ratio = Math.round((median(measured.worker) / median(measured.withStackTraces)) * 100) / 100;
  const result = { date: new Date().toISOString(), machine: machine(), config: { replays, history: historyName, rounds }, cpuMsPerReplay: measured, ratio };
  console.log(
    `replaying ${historyName} ${replays} times, CPU per replay: the worker's bundle ${measured.worker.join(' · ')} ms; with the SDK's stack traces ${measured.withStackTraces.join(' · ')} ms; ratio ${ratio}`,
  );
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
