/**
 * Declare → first page: from POST /api/v1/incidents to the page arriving at a local webhook receiver (on a
 * thread of its own, bench/arrivals.ts), at fixed declaration rates (open loop: a declaration is sent on
 * schedule whether or not earlier ones have answered), on the embedded dev server through startStack. In the
 * same run, the floor: a bare workflow start plus one activity round trip on the same server
 * (bench/floor-workflow.ts on its own task queue), at the same rates, and the ratio of the two. Then capacity, in a closed loop: `--callers` callers each
 * declaring (or starting the floor's workflow) again as soon as their last one paged (or its activity ran), for
 * `--capacity-seconds`; what each sustains a second, and the ratio. Where the time and CPU go: the stages of a
 * first page from its workflow history (stagesOf) at each rate, and CPU per call by thread group at capacity.
 * Run: npx tsx bench/latency.ts [seconds per rate=20] [rates=1,10,50] [--capacity-seconds=20] [--callers=32]
 *   [--pragmas=journal_mode=wal,…] [--floor-polls-like-marshal] [--name=latency].
 * Writes bench/results/<name>.json.
 */
import type { floor } from './floor-workflow';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { SQLITE_PRAGMAS } from '../server/runtime/dev-server';
import { incidentWorkflowId } from '../workflows/incident-contract';
import { startArrivals } from './arrivals';
import { benchPolicyDir } from './policy-edits';
import { bundlerLogger } from '../server/runtime/build-output';
import { WORKFLOW_POLL_SHARES } from '../server/runtime/worker';
import { describeMachine, flag, machine, positional, cpuPerCall, cpuSnapshot, describeCpuPerCall, postJson, sleep, startBenchStack, summary, writeResult } from './support';

const seconds = Number(positional[0] ?? 20);
const rates = (positional[1] ?? '1,10,50').split(',').map(Number);
/** SQLite pragmas of the embedded server, to compare settings (default: the shipped ones). */
const pragmas = flag('pragmas')?.split(',').filter(Boolean) ?? SQLITE_PRAGMAS;
const name = flag('name') ?? 'latency';
const capacitySeconds = Number(flag('capacity-seconds') ?? 20);
const callers = Number(flag('callers') ?? 32);
const floorPollsLikeMarshal = process.argv.includes('--floor-polls-like-marshal');
const DRAIN_MS = 120_000;
/** Histories read per rate to say where the time goes (reading them all would take longer than the run). */
const STAGE_SAMPLE = 60;

const EventType = temporal.api.enums.v1.EventType;
/**
 * Where a first page's time goes, from the caller's send (`t0`), the workflow's history (the server's
 * clock, the same machine's) and the moment it arrived (`doneAt`): to the start recorded (for Marshal: HTTP,
 * validation, planning the first step, the start call), the first workflow task (worker), to the first
 * activity running (dispatch), and that activity to the arrival (for Marshal: the page's delivery).
 */
function stagesOf(events: temporal.api.history.v1.IHistoryEvent[], t0: number, doneAt: number) {
  const at = (type: temporal.api.enums.v1.EventType) => {
    const event = events.find((candidate) => candidate.eventType === type);
    return event ? tsToMs(event.eventTime) : undefined;
  };
  const started = at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const firstTask = at(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const activity = at(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
  if (started === undefined || firstTask === undefined || activity === undefined) return undefined;
  return { toStart: started - t0, firstTask: firstTask - started, toActivity: activity - firstTask, activityToDone: doneAt - activity };
}
type Stages = NonNullable<ReturnType<typeof stagesOf>>;
const STAGE_NAMES: (keyof Stages)[] = ['toStart', 'firstTask', 'toActivity', 'activityToDone'];
const stageMedians = (all: Stages[]) => Object.fromEntries(STAGE_NAMES.map((stage) => [stage, summary(all.map((one) => one[stage])).p50])) as Stages;
const describeStages = (stages: Stages) => STAGE_NAMES.map((stage) => stages[stage]).join(' + ');

/** Fire `send(i)` `rate` times a second for `seconds`, on schedule; resolves when every call has settled. */
async function openLoop(rate: number, send: (index: number) => Promise<void>): Promise<{ sent: number; failed: number; reasons: Record<string, number> }> {
  const total = Math.round(rate * seconds);
  const started = Date.now();
  const calls: Promise<void>[] = [];
  let failed = 0;
  const reasons: Record<string, number> = {};
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    calls.push(
      send(index).catch((error: Error) => {
        failed += 1;
        reasons[error.message] = (reasons[error.message] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(calls);
  return { sent: total, failed, reasons };
}

/**
 * `callers` at once, each calling `one` again as soon as its last call is done, for capacitySeconds: how many
 * calls a second were done. Calls still under way at the end are waited for, and count only towards CPU per call.
 */
async function closedLoop(serverPid: number | undefined, one: () => Promise<void>) {
  const cpuBefore = cpuSnapshot(serverPid);
  const ends = Date.now() + capacitySeconds * 1000;
  let done = 0;
  let completed = 0;
  let failed = 0;
  const reasons: Record<string, number> = {};
  const callMs: number[] = [];
  const caller = async () => {
    while (Date.now() < ends) {
      const t0 = Date.now();
      try {
        await one();
        completed += 1;
        if (Date.now() <= ends) {
          done += 1;
          callMs.push(Date.now() - t0);
        }
      } catch (error) {
        failed += 1;
        reasons[(error as Error).message] = (reasons[(error as Error).message] ?? 0) + 1;
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  // CPU per call, of this process (Marshal and the floor's worker) and of the Temporal server: where a call's cost is.
  const cpu = cpuPerCall(cpuBefore, cpuSnapshot(serverPid), completed);
  return { done, perSecond: Math.round((done / capacitySeconds) * 10) / 10, failed, reasons, callMs: summary(callMs), cpu };
}

async function main() {
  const inbox = await startArrivals();
  // SEV3 on payments: a 30-minute acknowledgement timeout, so each incident sends exactly one page in the run.
  const policyDir = benchPolicyDir(inbox.url);
  const bench = await startBenchStack({ name: 'latency', policyDir, taskQueue: 'bench-latency', sqlitePragmas: pragmas });
  const { server, stack } = bench;

  // The floor's own worker, in the same process as Marshal's, on the same server.
  const ran = new Map<string, number>();
  /** Capacity's callers waiting for their floor activity to run or their page to arrive, by id. */
  const waiting = new Map<string, () => void>();
  const connection = await NativeConnection.connect({ address: server.address });
  const floorWorker = await Worker.create({
    connection,
    taskQueue: 'bench-floor',
    // The floor is the SDK's defaults; --floor-polls-like-marshal gives it Marshal's poll shares, to check that
    // the ratio does not owe its size to the floor lacking them.
    ...(floorPollsLikeMarshal ? WORKFLOW_POLL_SHARES : {}),
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./floor-workflow'), logger: bundlerLogger }),
    activities: {
      touch: async (id: string) => {
        const at = Date.now();
        ran.set(id, at);
        waiting.get(id)?.();
        return at;
      },
    },
  });
  const floorRunning = floorWorker.run();

  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.token}` };
  const declare = (title: string) =>
    postJson(`${stack.url}/api/v1/incidents`, headers, JSON.stringify({ title, severity: 'SEV3', service: 'checkout-api' })).then((response) => {
      const body = JSON.parse(response.text) as { id: string; error?: { code?: string; message?: string } };
      if (response.status !== 201) throw new Error(`${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}`.slice(0, 160));
      return body.id;
    });
  const firstPages = new Map<string, number>();
  let scanned = 0;
  const pageArrival = (id: string): number | undefined => {
    for (; scanned < inbox.received.length; scanned += 1) {
      const delivery = inbox.received[scanned];
      const json = delivery.json as { kind?: string; incident?: { id?: string } } | undefined;
      const incident = json?.incident?.id;
      if (incident && json?.kind === 'page' && !firstPages.has(incident)) firstPages.set(incident, delivery.at.getTime());
    }
    return firstPages.get(id);
  };

  // Warm up both paths: bundles loaded, connections open.
  for (let i = 0; i < 3; i += 1) {
    await declare(`warm-up ${i}`);
    await stack.client.workflow.execute<typeof floor>('floor', { workflowId: `floor-warm-${i}-${Date.now()}`, taskQueue: 'bench-floor', args: [`warm-${i}`] });
  }
  await inbox.waitFor(3, 30_000);

  const results = [];
  const stageSamples: { rate: number; declarations: Map<string, number>; floor: Map<string, number> }[] = [];
  for (const rate of rates) {
    // 1. The floor first, on a quiet server: start → activity ran (the "page"), and start → result.
    const floorMs: number[] = [];
    const floorResultMs: number[] = [];
    const floorSent = new Map<string, number>();
    const floorRun = await openLoop(rate, async (index) => {
      const id = `floor-${rate}-${index}-${Date.now()}`;
      const t0 = Date.now();
      await stack.client.workflow.execute<typeof floor>('floor', { workflowId: id, taskQueue: 'bench-floor', args: [id] });
      floorResultMs.push(Date.now() - t0);
      floorMs.push(ran.get(id)! - t0);
      floorSent.set(id, t0);
    });

    // 2. Declare → first page at the same rate; then wait (bounded) for every page.
    pageArrival('');
    const pagedBefore = new Set(firstPages.keys());
    const sentAt = new Map<string, number>();
    const answerMs: number[] = [];
    // How long a refused caller waited for its answer: over capacity, a 503 should come within a second.
    const refusedMs: number[] = [];
    const run = await openLoop(rate, async (index) => {
      const t0 = Date.now();
      const id = await declare(`bench ${rate}/s #${index}`).catch((error: Error) => {
        refusedMs.push(Date.now() - t0);
        throw error;
      });
      answerMs.push(Date.now() - t0);
      sentAt.set(id, t0);
    });
    const drainUntil = Date.now() + DRAIN_MS;
    while ([...sentAt.keys()].some((id) => pageArrival(id) === undefined) && Date.now() < drainUntil) await sleep(200);
    const pageMs = [...sentAt].flatMap(([id, t0]) => (pageArrival(id) === undefined ? [] : [pageArrival(id)! - t0]));
    const missing = sentAt.size - pageMs.length;
    // Declarations answered with an error whose incident was started anyway (it pages): a retry without an
    // Idempotency-Key would declare it twice.
    pageArrival('');
    const pagedThisRate = [...firstPages.keys()].filter((id) => !pagedBefore.has(id));
    const startedDespiteError = pagedThisRate.filter((id) => !sentAt.has(id)).length;

    const page = summary(pageMs);
    // Read after every timed phase: reading histories between phases slowed the floor's next one.
    stageSamples.push({ rate, declarations: sentAt, floor: floorSent });
    const bare = summary(floorMs);
    const entry = {
      rate,
      seconds,
      declared: sentAt.size,
      declareFailed: run.failed,
      declareFailures: run.reasons,
      startedDespiteError,
      pagesMissing: missing,
      declareAnswerMs: summary(answerMs),
      refusedAnswerMs: summary(refusedMs),
      declareToPageMs: page,
      floor: { started: floorRun.sent, failed: floorRun.failed, failures: floorRun.reasons, startToActivityMs: bare, startToResultMs: summary(floorResultMs) },
      ratio: { p50: Math.round((page.p50 / bare.p50) * 10) / 10, p99: Math.round((page.p99 / bare.p99) * 10) / 10 },
    };
    results.push(entry);
    console.log(
      `${rate}/s × ${seconds} s: declare → first page p50 ${page.p50} ms, p99 ${page.p99} ms, max ${page.max} ms (${page.n} pages, ${missing} missing, ${run.failed} declarations failed${run.failed ? ` ${JSON.stringify(run.reasons)}, answered after p50 ${entry.refusedAnswerMs.p50} ms, p99 ${entry.refusedAnswerMs.p99} ms; ${startedDespiteError} of those incidents were started and paged anyway` : ''}); ` +
        `floor (start → activity) p50 ${bare.p50} ms, p99 ${bare.p99} ms; ratio p50 ${entry.ratio.p50}×, p99 ${entry.ratio.p99}×`,
    );
  }

  let capacity;
  if (capacitySeconds > 0) {
    /** Resolves once `id` pages (or its floor activity runs); a call that waits a minute has failed. */
    const until = (id: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no page within 60 s')), 60_000);
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      }).finally(() => waiting.delete(id));
    // The receiver has no callback: look for new pages every few milliseconds.
    const pagesSeen = setInterval(() => {
      for (const id of waiting.keys()) if (pageArrival(id) !== undefined) waiting.get(id)!();
    }, 5);
    let started = 0;
    const floorRun = await closedLoop(server.pid, async () => {
      const id = `floor-capacity-${(started += 1)}-${Date.now()}`;
      const ran = until(id);
      // Awaited below; if the start itself fails, its timeout must not surface as an unhandled rejection.
      ran.catch(() => undefined);
      await stack.client.workflow.start<typeof floor>('floor', { workflowId: id, taskQueue: 'bench-floor', args: [id] });
      await ran;
    });
    const marshalRun = await closedLoop(server.pid, async () => {
      const id = await declare(`capacity #${(started += 1)}`);
      // With eager start the page may already be here by the time the declaration is answered.
      if (pageArrival(id) === undefined) await until(id);
    });
    clearInterval(pagesSeen);
    capacity = { seconds: capacitySeconds, callers, floor: floorRun, declarations: marshalRun, ratio: Math.round((marshalRun.perSecond / floorRun.perSecond) * 100) / 100 };
    console.log(
      `capacity, ${callers} callers in a closed loop × ${capacitySeconds} s: declarations paged ${marshalRun.perSecond}/s (each p50 ${marshalRun.callMs.p50} ms, p99 ${marshalRun.callMs.p99} ms; ${marshalRun.failed} failed${marshalRun.failed ? ` ${JSON.stringify(marshalRun.reasons)}` : ''}; ` +
        `CPU per declaration: ${describeCpuPerCall(marshalRun.cpu)}); ` +
        `floor ${floorRun.perSecond}/s (p50 ${floorRun.callMs.p50} ms, p99 ${floorRun.callMs.p99} ms; ${floorRun.failed} failed; CPU per run: ${describeCpuPerCall(floorRun.cpu, 'this process')}); ratio ${capacity.ratio}`,
    );
  }

  /** Stages of an evenly spaced sample of the runs (see stagesOf). */
  const sampledStages = async (sent: Map<string, number>, workflowId: (id: string) => string, doneAt: (id: string) => number | undefined) => {
    const ids = [...sent.keys()].filter((id) => doneAt(id) !== undefined);
    const step = Math.max(1, Math.floor(ids.length / STAGE_SAMPLE));
    const stages: Stages[] = [];
    for (let index = 0; index < ids.length; index += step) {
      const events = (await stack.client.workflow.getHandle(workflowId(ids[index])).fetchHistory()).events ?? [];
      const one = stagesOf(events, sent.get(ids[index])!, doneAt(ids[index])!);
      if (one) stages.push(one);
    }
    return stageMedians(stages);
  };
  const stages = [];
  for (const sample of stageSamples) {
    const one = {
      rate: sample.rate,
      declaration: await sampledStages(sample.declarations, incidentWorkflowId, pageArrival),
      floor: await sampledStages(
        sample.floor,
        (id) => id,
        (id) => ran.get(id),
      ),
    };
    stages.push(one);
    console.log(
      `where a first page's time goes at ${one.rate}/s, p50 ms (to the start recorded + first workflow task + to the activity running + activity to arrival): ` +
        `declaration ${describeStages(one.declaration)}; floor ${describeStages(one.floor)}`,
    );
  }

  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    config: { seconds, rates, severity: 'SEV3', service: 'checkout-api', pragmas, capacitySeconds, callers, floorPollsLikeMarshal },
    results,
    stagesP50Ms: stages,
    capacity,
  };
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);

  floorWorker.shutdown();
  await floorRunning;
  await connection.close();
  await bench.stop();
  await inbox.close();
  rmSync(join(policyDir, '..'), { recursive: true, force: true });
  // A refused declaration under overload (503, the caller retries) is a figure; a declared incident without its page is a loss.
  if (results.some((r) => r.pagesMissing > 0)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
