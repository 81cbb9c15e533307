/**
 * Intake benchmark on the embedded dev server: sustained Alertmanager deliveries over HTTP (one alert per
 * request, groups of 10 alerts, 30% of requests are duplicates of alerts already sent), then a check that
 * every distinct alert reached an incident; in the same run the ceiling — a bare signal-with-start loop
 * against the same server with no HTTP, routing or workflow work — and the ratio of the two; CPU per alert
 * accepted and per ceiling call (this process by thread group, the server, how busy the machine was).
 * Run: npx tsx bench/intake.ts [seconds=30] [concurrency=32] [--name=intake]. Prints figures and the machine; writes
 * bench/results/intake.json. Never part of npm test.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertGroupWorkflowId } from '../engine/alert-groups';
import { alertGroupQuery, alertsSignal } from '../workflows/alert-group-contract';
import type { alertGroup, AlertBatch } from '../workflows/alert-group';
import { stateQuery } from '../workflows/incident-contract';
import { cpuPerCall, cpuSnapshot, describeCpuPerCall, describeMachine, flag, machine, positional, postJson, startBenchStack, writeResult } from './support';

const seconds = Number(positional[0] ?? 30);
const concurrency = Number(positional[1] ?? 32);
const name = flag('name') ?? 'intake';
const GROUP_SIZE = 10;
const DUPLICATE_SHARE = 0.3;
const TOKEN = 'bench-token';
process.env.BENCH_AM_TOKEN = TOKEN;

const root = join(__dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'marshal-bench-intake-'));
const policyDir = join(dataDir, 'config');
cpSync(join(root, 'config'), policyDir, { recursive: true });
writeFileSync(join(policyDir, 'integrations.yaml'), 'intake:\n  alertmanager: { tokenEnv: BENCH_AM_TOKEN }\n');
const run = Date.now().toString(36);

function alertBody(index: number) {
  const group = Math.floor(index / GROUP_SIZE);
  const labels = { alertname: 'BenchLatency', service: 'checkout', severity: 'warning', shard: String(index), run };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="BenchLatency", group="${run}-${group}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'marshal',
    groupLabels: { alertname: 'BenchLatency', group: `${run}-${group}` },
    commonLabels: labels,
    commonAnnotations: { summary: 'Latency above SLO' },
    externalURL: 'http://alertmanager.bench:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'Latency above SLO', description: `shard ${index}` },
        startsAt: '2026-03-02T09:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.bench:9090/graph',
        fingerprint: `${run}-${index.toString(16).padStart(8, '0')}`,
      },
    ],
  });
}

async function main() {
  const bench = await startBenchStack({ name: 'intake', policyDir, dataDir });
  const { stack } = bench;
  const url = `${stack.url}/api/v1/webhooks/alertmanager`;
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };

  // Warm up: bundle loaded, connections open, one group and incident through.
  await postJson(url, headers, alertBody(1_000_000_000));

  // 1. Intake over HTTP.
  let distinct = 0;
  let requests = 0;
  let duplicates = 0;
  let refused = 0;
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const cpuBefore = cpuSnapshot(bench.server.pid);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const duplicate = distinct > 0 && Math.random() < DUPLICATE_SHARE;
        const index = duplicate ? Math.floor(Math.random() * distinct) : distinct++;
        // A sender retries until it hears 2xx (Alertmanager retries 5xx), so nothing is dropped on purpose here.
        for (;;) {
          const t0 = performance.now();
          const response = await postJson(url, headers, alertBody(index));
          latencies.push(performance.now() - t0);
          if (response.status === 202) break;
          refused += 1;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        requests += 1;
        if (duplicate) duplicates += 1;
      }
    }),
  );
  const sendSeconds = (Date.now() - started) / 1000;
  // Per alert accepted while sending (the groups and incidents still draining afterwards are not in it).
  const cpu = cpuPerCall(cpuBefore, cpuSnapshot(bench.server.pid), requests);

  // 2. Drain: wait until every group has applied what it accepted, then verify every distinct alert is on an incident.
  const groups = Math.ceil(distinct / GROUP_SIZE);
  const drainStarted = Date.now();
  const seen = new Set<string>();
  let deliveries = 0;
  let incidents = 0;
  for (let group = 0; group < groups; group += 1) {
    const workflowId = alertGroupWorkflowId('alertmanager', `group={}:{alertname="BenchLatency", group="${run}-${group}"}`);
    for (;;) {
      const view = await stack.client.workflow
        .getHandle(workflowId)
        .query(alertGroupQuery)
        .catch(() => undefined);
      if (view && view.pending === 0 && view.incident) {
        const incident = await stack.client.workflow.getHandle(view.incident.workflowId).query(stateQuery);
        for (const alert of incident.alerts) {
          seen.add(alert.key);
          deliveries += alert.deliveries;
        }
        incidents += view.counts.incidentsOpened;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  let lost = 0;
  for (let index = 0; index < distinct; index += 1) if (!seen.has(`${run}-${index.toString(16).padStart(8, '0')}`)) lost += 1;

  // 3. The ceiling: bare signal-with-start against the same server (no HTTP, no worker work: a queue nobody polls).
  let ceilingCalls = 0;
  const ceilingSeconds = Math.min(seconds, 15);
  const ceilingDeadline = Date.now() + ceilingSeconds * 1000;
  const ceilingStarted = Date.now();
  const ceilingCpuBefore = cpuSnapshot(bench.server.pid);
  const sample = { alerts: [], declaration: { title: 'x', severity: 'SEV4' }, policy: { version: 'bench', severities: [] }, receivedAt: new Date().toISOString() };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < ceilingDeadline) {
        const index = ceilingCalls++;
        await stack.client.workflow.signalWithStart<typeof alertGroup, [AlertBatch]>('alertGroup', {
          workflowId: `bench-ceiling-${run}-${Math.floor(index / GROUP_SIZE)}`,
          taskQueue: 'bench-ceiling-unpolled',
          args: [{ integration: 'bench', group: 'ceiling' }],
          signal: alertsSignal,
          signalArgs: [sample],
        });
      }
    }),
  );
  const ceilingRate = ceilingCalls / ((Date.now() - ceilingStarted) / 1000);
  const ceilingCpu = cpuPerCall(ceilingCpuBefore, cpuSnapshot(bench.server.pid), ceilingCalls);

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
  const intakeRate = requests / sendSeconds;
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    config: { seconds, concurrency, groupSize: GROUP_SIZE, duplicateShare: DUPLICATE_SHARE },
    intake: {
      accepted: requests,
      distinct,
      duplicates,
      refused,
      alertsPerSecond: Math.round(intakeRate),
      latencyMs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) },
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      endToEndAlertsPerSecond: Math.round(requests / (sendSeconds + drainSeconds)),
      groups,
      incidents,
      deliveriesRecorded: deliveries,
      lost,
      cpuMsPerAlert: cpu,
    },
    ceiling: { signalWithStartPerSecond: Math.round(ceilingRate), calls: ceilingCalls, cpuMsPerCall: ceilingCpu },
    ratio: Math.round((intakeRate / ceilingRate) * 100) / 100,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\nintake: ${result.intake.alertsPerSecond} alerts/s accepted over HTTP (${duplicates} of ${requests} duplicates), p50 ${result.intake.latencyMs.p50} ms, p99 ${result.intake.latencyMs.p99} ms; ` +
      `${distinct} distinct alerts on ${incidents} incidents, ${lost} lost; ceiling ${result.ceiling.signalWithStartPerSecond} signal-with-start/s; ratio ${result.ratio}`,
  );
  console.log(`CPU per alert accepted: ${describeCpuPerCall(cpu)}; per ceiling call: ${describeCpuPerCall(ceilingCpu, 'this process')}`);
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);
  await bench.stop();
  if (lost > 0 || deliveries !== requests) {
    console.error(`verification: ${lost} distinct alerts missing; ${deliveries} deliveries recorded for ${requests} accepted requests`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
