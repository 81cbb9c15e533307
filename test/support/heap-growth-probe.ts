/**
 * Run by test/workflow/worker-memory.test.ts in a process of its own: a worker thread keeps a live set, then
 * makes garbage for a while, and the probe prints the largest its heap grew to (MiB). With `capped`, the process
 * first caps heap growth as a Marshal worker does (limitHeapGrowth); without, V8 grows heaps as it likes.
 */
import { Worker } from 'node:worker_threads';
import { limitHeapGrowth } from '../../server/runtime/worker';

// The thread's code, plain JavaScript: 300,000 small objects kept, then 3,000 batches of 5,000 made and dropped.
const thread = `
const { getHeapStatistics } = require('node:v8');
const { parentPort } = require('node:worker_threads');
const live = [];
for (let i = 0; i < 300000; i += 1) live.push({ i, text: 'kept ' + i, list: [i] });
// Garbage that lives a little (the last 20 batches), as a workflow task's does, so it reaches the old space.
const recent = [];
let peak = 0;
for (let round = 0; round < 3000; round += 1) {
  const batch = [];
  for (let i = 0; i < 5000; i += 1) batch.push({ i, text: 'dropped ' + i });
  recent[round % 20] = batch;
  peak = Math.max(peak, getHeapStatistics().total_heap_size);
}
parentPort.postMessage({ peakMiB: Math.round(peak / 2 ** 20), kept: live.length });
`;

if (process.argv[2] === 'capped') limitHeapGrowth();
// The thread starts after the cap, as the SDK's workflow thread starts after createWorker sets it.
const worker = new Worker(thread, { eval: true });
worker.once('message', (result: { peakMiB: number; kept: number }) => {
  console.log(JSON.stringify(result));
  void worker.terminate();
});
