/**
 * `npm run bench`: every benchmark in sequence, each in its own process (they start their own Temporal
 * servers and must not share a CPU with each other). Each prints its figures and the machine and writes
 * bench/results/<name>.json. Never part of npm test.
 * Run: npx tsx bench/run.ts [--quick] [names…]   (policy, counts, replay-cost, store-writes, intake-counts, intake, latency, timers, insight; default all, in that order)
 * --quick: short runs for comparing before and after on a shared machine (latency 10 s at 5/s and 20/s,
 * capacity 10 s, intake 15 s, timers at 1,000 incidents), written to bench/results/<name>-quick.json.
 * The timer benchmark at 10,000 incidents alone takes about 20 minutes on 2 cores; the insight benchmark
 * (a year of 100,000 incidents, loaded into PGlite and into a PostgreSQL server) about 30.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const benchmarks: Record<string, string[]> = {
  policy: ['bench/policy.ts'],
  counts: ['bench/counts.ts'],
  'replay-cost': ['bench/replay-cost.ts'],
  'store-writes': ['bench/store-writes.ts'],
  'intake-counts': ['bench/intake-counts.ts'],
  intake: ['bench/intake.ts'],
  latency: ['bench/latency.ts'],
  timers: ['bench/timers.ts', '1000,3000,10000'],
  insight: ['bench/insight.ts', '100000', 'embedded,server'],
};
const quickRuns: Record<string, string[]> = {
  intake: ['bench/intake.ts', '15', '32', '--name=intake-quick'],
  latency: ['bench/latency.ts', '10', '5,20', '--capacity-seconds=10', '--name=latency-quick'],
  timers: ['bench/timers.ts', '1000', '--name=timers-quick'],
};

const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const chosen = named.length ? named : Object.keys(benchmarks);
const failed: string[] = [];
for (const name of chosen) {
  const args = (quick && quickRuns[name]) || benchmarks[name];
  if (!args) throw new Error(`no benchmark "${name}"; choose from ${Object.keys(benchmarks).join(', ')}`);
  console.log(`\n=== ${name} (${args.join(' ')}) ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: join(__dirname, '..'), stdio: 'inherit' });
  console.log(`=== ${name}: ${result.status === 0 ? 'done' : `failed (${result.status ?? result.signal})`} in ${Math.round((Date.now() - started) / 1000)} s ===`);
  if (result.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
