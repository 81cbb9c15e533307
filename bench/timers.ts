/**
 * Timer precision at scale: N open, acknowledged incidents, each with a status-update reminder due every
 * `cadence` after its acknowledgement (SEV4, cadence edited in the policy). Lateness of each reminder =
 * when it happened − when it was due (acknowledgedAt + cadence for the first; a cadence after the previous
 * reminder for later ones), measured three ways: on the incident's timeline
 * (`notified` event, sampled by query), when the delivery activity ran, and when it reached the local
 * webhook receiver. The worker runs as its own process (bench/timer-worker.ts) so its RSS and CPU are
 * its own; the dev server's CPU is read from /proc as well.
 *
 * By default the cadence grows with N (60 ms × N: 1,000 → 60 s, 10,000 → 600 s) so reminders fall due at
 * the same rate (~17/s) at every size and what changes is how many workflows sit on timers.
 * Reminders fall due at the rate the setup acknowledged at, so a faster setup means more reminders a second:
 * `--setup-rate=R` paces the declarations at R a second (a cap: 16 clients at most) so runs of different code
 * face the same load; the cadence must then exceed N / R seconds.
 * Run: npx tsx bench/timers.ts [counts=1000,10000] [--cadence-ms-per-incident=60] [--setup-rate=15] [--pragmas=a,b] [--worker='{"maxCachedWorkflows":12000}'] [--name=timers]
 * Writes bench/results/<name>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { SQLITE_PRAGMAS } from '../server/runtime/dev-server';
import { bundlerLogger, workflowBundleOptions } from '../server/runtime/build-output';
import { startWebhookReceiver } from '../test/channels/receivers';
import { stateQuery, incidentWorkflowId } from '../workflows/incident-contract';
import { benchPolicyDir, setSeverityField } from './policy-edits';
import { describeMachine, flag, machine, machineCpu, positional, processUsage, sleep, startBenchStack, summary, writeResult } from './support';

const counts = (positional[0] ?? '1000,10000').split(',').map(Number);
const msPerIncident = Number(flag('cadence-ms-per-incident') ?? 60);
const setupRate = flag('setup-rate') ? Number(flag('setup-rate')) : undefined;
const pragmas = flag('pragmas')?.split(',') ?? SQLITE_PRAGMAS;
const workerOptions = flag('worker') ?? '{}';
const name = flag('name') ?? 'timers';
const CONCURRENCY = 16;
const EventType = temporal.api.enums.v1.EventType;
/** Hard bound on one size's run beyond setup + cadence. */
const GRACE_MS = 180_000;
/** Time allowed for the timeline sample's queries. */
const SAMPLE_QUERIES_MS = 120_000;

interface Reminder {
  incident: string;
  arrivedAt: number;
  ranAt: number;
  key: string;
}

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // node --import tsx (not the tsx CLI, which runs a second process): the pid is the worker's own.
  // BENCH_WORKER_NODE_ARGS: Node flags for the worker alone (V8 heap settings, --trace-gc).
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // Two malloc arenas, as `npm start` and `npm run worker` run Marshal (package.json; README, Benchmarks), unless set.
  const malloc = { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(__dirname, 'timer-worker.ts')], { env: { ...process.env, ...malloc, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  // BENCH_WORKER_LOG=<file>: keep the worker's own output (with BENCH_WORKER_NODE_ARGS=--trace-gc, say) for a look afterwards.
  if (process.env.BENCH_WORKER_LOG) child.stdout!.pipe(createWriteStream(process.env.BENCH_WORKER_LOG));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench worker did not start: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('bench worker ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench worker exited with ${code}: ${output}`));
    });
  });
}

/** Run `task(i)` for i < n with `concurrency` in flight. */
async function pool(n: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function runSize(count: number, bundlePath: string) {
  const cadenceMs = Math.max(30_000, count * msPerIncident);
  const inbox = await startWebhookReceiver();
  const policyDir = benchPolicyDir(inbox.url, (text) => setSeverityField(text, 'SEV4', 'statusUpdateCadence', `${Math.round(cadenceMs / 1000)}s`));
  const taskQueue = 'bench-timers';
  const bench = await startBenchStack({ name: 'timers', policyDir, taskQueue, noWorker: true, sqlitePragmas: pragmas });
  const { server, stack } = bench;
  const worker = await startWorker({ TEMPORAL_ADDRESS: server.address, BENCH_TASK_QUEUE: taskQueue, BENCH_POLICY_DIR: policyDir, BENCH_BUNDLE: bundlePath, BENCH_WORKER_OPTIONS: workerOptions });

  // Sample the worker and the dev server once a second.
  const samples: { at: number; worker?: ReturnType<typeof processUsage>; server?: ReturnType<typeof processUsage>; cpu: ReturnType<typeof machineCpu> }[] = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), worker: processUsage(worker.pid!), server: server.pid ? processUsage(server.pid) : undefined, cpu: machineCpu() }), 1000);

  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.token}` };
  const post = async (path: string, body: object) => {
    // Patient as a real sender: on a shared, loaded machine a burst of 503s (overloaded) can last a while.
    for (let attempt = 0; attempt < 120; attempt += 1) {
      const response = await fetch(`${stack.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const json = (await response.json()) as any;
      if (response.status < 300) return json;
      // A retry after an answer lost to load (the command went through, its 5xx did not say so) finds it done.
      if (attempt > 0 && response.status === 409 && path.endsWith('/acknowledge')) {
        return (await fetch(`${stack.url}/api/v1${path.replace(/\/acknowledge$/, '')}`, { headers })).json();
      }
      if (response.status < 500) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
      await sleep(1_000);
    }
    throw new Error(`${path} kept failing`);
  };

  // Setup: declare and acknowledge every incident (services spread over the three teams).
  const services = ['checkout-api', 'api-gateway', 'web-frontend', 'payments-ledger', 'postgres-primary', 'marketing-site'];
  const acknowledgedAt = new Map<string, number>();
  const setupStarted = Date.now();
  await pool(count, CONCURRENCY, async (index) => {
    if (setupRate) await sleep(setupStarted + (index * 1000) / setupRate - Date.now());
    const incident = await post('/incidents', { title: `timer bench #${index}`, severity: 'SEV4', service: services[index % services.length] });
    // A real person acknowledges (reminders go to the acknowledger's contacts): the team's lead.
    const acked = await post(`/incidents/${incident.id}/acknowledge`, { by: stack.policies.current.teams[incident.team].lead });
    acknowledgedAt.set(incident.id, Date.parse(acked.acknowledgedAt));
  });
  const setupSeconds = (Date.now() - setupStarted) / 1000;
  const setupSamples = samples.length;
  const lastAck = Math.max(...acknowledgedAt.values());
  console.log(`  ${count}: declared and acknowledged in ${setupSeconds.toFixed(1)} s (${Math.round(count / setupSeconds)}/s); cadence ${cadenceMs / 1000} s`);
  // The first reminders fall due a cadence after the first acknowledgement: a setup that outlasts the cadence
  // loads the worker with declarations and reminders at once, which is another measurement (README, fourth pass).
  const setupOutlastedCadence = setupSeconds * 1000 > cadenceMs;
  if (setupOutlastedCadence) console.log(`  warning: setup outlasted the cadence; reminders fell due during setup (raise --cadence-ms-per-incident)`);

  // Wait until every incident has had its first reminder, or the bound.
  const reminders: Reminder[] = [];
  let scanned = 0;
  const firstSeen = new Set<string>();
  const collect = () => {
    for (; scanned < inbox.received.length; scanned += 1) {
      const delivery = inbox.received[scanned];
      const json = delivery.json as { kind?: string; headline?: string; occurredAt?: string; incident?: { id?: string } };
      if (json?.kind !== 'reminder' || !json.headline?.startsWith('Status update due') || !json.incident?.id) continue;
      reminders.push({ incident: json.incident.id, arrivedAt: delivery.at.getTime(), ranAt: Date.parse(json.occurredAt!), key: delivery.key! });
      firstSeen.add(json.incident.id);
    }
  };
  const bound = lastAck + cadenceMs + GRACE_MS;
  while (Date.now() < bound) {
    collect();
    if (firstSeen.size >= count) break;
    await sleep(500);
  }
  collect();
  const windowEnd = Date.now();
  clearInterval(sampler);

  // Lateness of each incident's first reminder, due at acknowledgedAt + cadence. (Later ones are due a cadence
  // after the previous reminder; the receiver does not see when that was recorded, the timeline sample does.)
  const firstOf = new Map<string, Reminder>();
  for (const reminder of reminders) {
    const seen = firstOf.get(reminder.incident);
    if (!seen || reminder.arrivedAt < seen.arrivedAt) firstOf.set(reminder.incident, reminder);
  }
  const arrival: number[] = [];
  const ran: number[] = [];
  for (const [id, reminder] of firstOf) {
    const due = acknowledgedAt.get(id)! + cadenceMs;
    arrival.push(reminder.arrivedAt - due);
    ran.push(reminder.ranAt - due);
  }
  // The timeline's own record, for a sample of incidents (a query each): every reminder, each due a cadence
  // after the acknowledgement or the previous reminder.
  const timeline: number[] = [];
  const sampleIds = [...acknowledgedAt.keys()].filter((_, i) => i % Math.max(1, Math.floor(count / 200)) === 0);
  // Bounded: past the cache, each query replays its incident on a worker still sending later reminders, and at
  // 10,000 incidents the 200 queries once ran for many minutes. Those not asked in time are counted, not waited for.
  const queriesUntil = Date.now() + SAMPLE_QUERIES_MS;
  let sampled = 0;
  for (const id of sampleIds) {
    if (Date.now() > queriesUntil) break;
    sampled += 1;
    const state = await stack.client.workflow
      .getHandle(incidentWorkflowId(id))
      .query(stateQuery)
      .catch(() => undefined);
    if (!state) continue;
    let previous = Date.parse(state.acknowledgedAt!);
    for (const event of state.timeline) {
      if (event.type !== 'notified' || event.kind !== 'reminder' || !event.headline.startsWith('Status update due')) continue;
      timeline.push(Date.parse(event.at) - (previous + cadenceMs));
      previous = Date.parse(event.at);
    }
  }

  // Where a first reminder's lateness goes, read from the histories of the first 50 sampled incidents: the
  // timer set late (the acknowledgement's task took that long to complete), the timer firing at the server,
  // the workflow task waiting for the worker, the worker's task (a replay when the incident is no longer
  // cached), and the delivery activity's dispatch.
  const stages = { timerSet: [] as number[], timerFired: [] as number[], taskQueued: [] as number[], taskRan: [] as number[], activityDispatched: [] as number[] };
  for (const id of sampleIds.slice(0, 50)) {
    if (Date.now() > queriesUntil) break;
    const events =
      (
        await stack.client.workflow
          .getHandle(incidentWorkflowId(id))
          .fetchHistory()
          .catch(() => undefined)
      )?.events ?? [];
    const due = acknowledgedAt.get(id)! + cadenceMs;
    const at = (index: number) => tsToMs(events[index]?.eventTime);
    const fired = events.findIndex((event, index) => event.eventType === EventType.EVENT_TYPE_TIMER_FIRED && at(index) >= due - 1_000);
    const scheduled = events.findIndex((event, index) => index > fired && event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    const started = events.findIndex((event, index) => index > scheduled && event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const completed = events.findIndex((event, index) => index > started && event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const delivery = events.findIndex((event, index) => index > completed && event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    const set = events.findIndex((event) => Number(event.eventId) === Number(events[fired]?.timerFiredEventAttributes?.startedEventId));
    if (fired < 0 || set < 0 || scheduled < 0 || started < 0 || completed < 0 || delivery < 0) continue;
    // The server counts a timer from when the task that started it completed, not from when it began.
    const target = at(set) + tsToMs(events[set].timerStartedEventAttributes?.startToFireTimeout);
    stages.timerSet.push(target - due);
    stages.timerFired.push(at(fired) - target);
    stages.taskQueued.push(at(started) - at(fired));
    stages.taskRan.push(at(completed) - at(started));
    stages.activityDispatched.push(at(delivery) - at(completed));
  }

  // Resources: peak RSS; CPU% of worker, server and machine during setup and during the reminder window.
  const cpuPercent = (from: number, to: number, pick: (s: (typeof samples)[number]) => number | undefined) => {
    const a = samples[from];
    const b = samples[Math.min(to, samples.length - 1)];
    const va = a && pick(a);
    const vb = b && pick(b);
    return a && b && va !== undefined && vb !== undefined && b.at > a.at ? Math.round(((vb - va) / ((b.at - a.at) / 1000)) * 100) : undefined;
  };
  const machinePercent = (from: number, to: number) => {
    const a = samples[from]?.cpu;
    const b = samples[Math.min(to, samples.length - 1)]?.cpu;
    return a && b && b.total > a.total ? Math.round(((b.busy - a.busy) / (b.total - a.total)) * 100) : undefined;
  };
  const last = samples.length - 1;
  const resources = {
    workerPeakRssMiB: Math.max(...samples.map((s) => s.worker?.rssMiB ?? 0)),
    serverPeakRssMiB: Math.max(...samples.map((s) => s.server?.rssMiB ?? 0)),
    setup: {
      workerCpuPercent: cpuPercent(0, setupSamples - 1, (s) => s.worker?.cpuSeconds),
      serverCpuPercent: cpuPercent(0, setupSamples - 1, (s) => s.server?.cpuSeconds),
      machineBusyPercent: machinePercent(0, setupSamples - 1),
    },
    reminders: {
      workerCpuPercent: cpuPercent(setupSamples - 1, last, (s) => s.worker?.cpuSeconds),
      serverCpuPercent: cpuPercent(setupSamples - 1, last, (s) => s.server?.cpuSeconds),
      machineBusyPercent: machinePercent(setupSamples - 1, last),
    },
    workerCpuSecondsTotal: samples.at(-1)?.worker?.cpuSeconds,
  };
  const missingFirst = count - firstSeen.size;
  const keys = reminders.map((r) => r.key);
  const entry = {
    incidents: count,
    cadenceSeconds: cadenceMs / 1000,
    // Each falls due a cadence after its acknowledgement: at the rate the setup acknowledged.
    remindersPerSecondDue: Math.round((count / ((lastAck - Math.min(...acknowledgedAt.values())) / 1000)) * 10) / 10,
    setupSeconds: Math.round(setupSeconds),
    setupOutlastedCadence,
    windowSeconds: Math.round((windowEnd - lastAck) / 1000),
    reminders: reminders.length,
    incidentsWithoutReminder: missingFirst,
    duplicateKeys: keys.length - new Set(keys).size,
    latenessMs: { arrival: summary(arrival), activityStart: summary(ran), timelineSample: summary(timeline) },
    /** A first reminder's lateness by stage (ms), from the histories of up to 50 sampled incidents. */
    stagesMs: {
      timerSet: summary(stages.timerSet),
      timerFired: summary(stages.timerFired),
      taskQueued: summary(stages.taskQueued),
      taskRan: summary(stages.taskRan),
      activityDispatched: summary(stages.activityDispatched),
    },
    timelineSampleIncidents: sampled,
    resources,
  };
  console.log(
    `  ${count} open incidents: reminder lateness at the receiver p50 ${entry.latenessMs.arrival.p50} ms, p99 ${entry.latenessMs.arrival.p99} ms, max ${entry.latenessMs.arrival.max} ms ` +
      `(timeline sample p50 ${entry.latenessMs.timelineSample.p50} / p99 ${entry.latenessMs.timelineSample.p99} / max ${entry.latenessMs.timelineSample.max} ms); ` +
      `${reminders.length} reminders (${entry.remindersPerSecondDue}/s due), ${missingFirst} incidents without one; worker peak RSS ${resources.workerPeakRssMiB} MiB, CPU ${resources.setup.workerCpuPercent}% in setup / ${resources.reminders.workerCpuPercent}% while reminders fire; ` +
      `server RSS ${resources.serverPeakRssMiB} MiB, CPU ${resources.setup.serverCpuPercent}% / ${resources.reminders.serverCpuPercent}%`,
  );
  const stage = (name: keyof typeof entry.stagesMs) => `${name} p50 ${entry.stagesMs[name].p50} / p99 ${entry.stagesMs[name].p99}`;
  console.log(`  by stage (ms, ${stages.taskRan.length} histories): ${stage('timerSet')}, ${stage('timerFired')}, ${stage('taskQueued')}, ${stage('taskRan')}, ${stage('activityDispatched')}`);

  worker.kill('SIGTERM');
  await new Promise((resolve) => {
    const t = setTimeout(() => {
      worker.kill('SIGKILL');
      resolve(undefined);
    }, 15_000);
    worker.once('exit', () => {
      clearTimeout(t);
      resolve(undefined);
    });
  });
  await bench.stop();
  await inbox.close();
  rmSync(join(policyDir, '..'), { recursive: true, force: true });
  return entry;
}

async function main() {
  const bundleDir = mkdtempSync(join(tmpdir(), 'marshal-bench-bundle-'));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflowCode({ ...workflowBundleOptions, logger: bundlerLogger })).code);
  console.log(`timer precision: sizes ${counts.join(', ')}, pragmas ${pragmas.join(' ')}, worker options ${workerOptions}`);
  const results = [];
  for (const count of counts) results.push(await runSize(count, bundlePath));
  const result = { date: new Date().toISOString(), machine: machine(), config: { counts, msPerIncident, setupRate, severity: 'SEV4', pragmas, workerOptions: JSON.parse(workerOptions) }, results };
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);
  rmSync(bundleDir, { recursive: true, force: true });
  if (results.some((r) => r.incidentsWithoutReminder > 0 || r.duplicateKeys > 0)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
