/**
 * What one alert costs the engine, counted rather than timed: N Alertmanager deliveries over HTTP from 32
 * senders at once, on the embedded dev server (one alert per request, groups of 10 alerts, every request a
 * new alert), then, once everything has settled, the histories of every alert group and incident they made,
 * tallied by kind and by workflow type, and every RPC Marshal made (the server's own metrics, polls left
 * out) — each divided by N. The ceiling in bench/intake.ts is one signal-with-start per alert and nothing else.
 * Run: npx tsx bench/intake-counts.ts [alerts=400] [--name=intake-counts]. Writes bench/results/<name>.json.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../server/runtime/dev-server';
import { minus, rpcCounts, tallyHistory, withoutPolls, type Tally } from './engine-counts';
import { describeMachine, flag, machine, positional, sleep, startBenchStack, writeResult } from './support';

const alerts = Number(positional[0] ?? 400);
const name = flag('name') ?? 'intake-counts';
const GROUP_SIZE = 10;
const SENDERS = 32;
process.env.BENCH_AM_TOKEN = 'bench-token';

const dataDir = mkdtempSync(join(tmpdir(), 'marshal-bench-intake-counts-'));
const policyDir = join(dataDir, 'config');
cpSync(join(__dirname, '..', 'config'), policyDir, { recursive: true });
writeFileSync(join(policyDir, 'integrations.yaml'), 'intake:\n  alertmanager: { tokenEnv: BENCH_AM_TOKEN }\n');
const run = Date.now().toString(36);

function alertBody(index: number): string {
  const group = `${run}-${Math.floor(index / GROUP_SIZE)}`;
  const labels = { alertname: 'BenchLatency', service: 'checkout', severity: 'warning', shard: String(index), run };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{group="${group}"}`,
    status: 'firing',
    receiver: 'marshal',
    groupLabels: { group },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.bench:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'Latency above SLO' },
        startsAt: '2026-03-02T09:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.bench:9090/graph',
        fingerprint: `${run}-${index}`,
      },
    ],
  });
}

async function main() {
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const bench = await startBenchStack({ name: 'intake-counts', policyDir, dataDir, metricsPort });
  const { stack } = bench;
  const url = `${stack.url}/api/v1/webhooks/alertmanager`;
  const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer bench-token' };
  const send = async (index: number) => {
    const response = await fetch(url, { method: 'POST', headers, body: alertBody(index) });
    if (response.status !== 202) throw new Error(`delivery ${index}: ${response.status} ${await response.text()}`);
  };

  // Warm up (bundle, connections, one group and incident through), then let the server settle.
  await send(1_000_000_000);
  await sleep(3_000);
  const before = withoutPolls(await rpcCounts(metricsUrl));
  const startedAt = new Date();
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < alerts) await send(next++);
    }),
  );
  // Settled: the groups have forwarded, the incidents paged, archived and parked on their timers.
  await sleep(8_000);
  const rpcs = minus(withoutPolls(await rpcCounts(metricsUrl)), before, alerts);

  const byType: Record<string, Tally> = {};
  for await (const workflow of stack.client.workflow.list({ query: `StartTime >= '${startedAt.toISOString()}'` })) {
    const tally = tallyHistory((await stack.client.workflow.getHandle(workflow.workflowId).fetchHistory()).events ?? []);
    const sum = (byType[workflow.type] ??= { workflows: 0 });
    sum.workflows += 1;
    for (const [key, value] of Object.entries(tally)) sum[key] = (sum[key] ?? 0) + value;
  }
  const perAlert = Object.fromEntries(Object.entries(byType).map(([type, tally]) => [type, minus(tally, {}, alerts)]));
  const result = { date: new Date().toISOString(), machine: machine(), config: { alerts, senders: SENDERS, groupSize: GROUP_SIZE }, perAlert: { ...perAlert, rpcs } };
  console.log(`per alert (${alerts} alerts, groups of ${GROUP_SIZE}, ${SENDERS} senders)`);
  for (const [type, tally] of Object.entries(perAlert)) console.log(`  ${type} histories: ${JSON.stringify(tally)}`);
  console.log(`  RPCs: ${JSON.stringify(rpcs)}`);
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);
  await bench.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
