/**
 * What one declaration costs the engine, counted rather than timed (counts are deterministic and do not
 * depend on what else the machine runs): one SEV3 incident declared over HTTP on the embedded dev server,
 * escalating every 5 s until it is acknowledged after the third page. From the incident's history (and the
 * overrides workflows', if any) it counts workflow tasks, activities by type, timers, search-attribute
 * upserts and signals; from the server's own metrics, every RPC Marshal made (queries, counts, signals,
 * starts) — through the first page, and per escalation step after it.
 * Run: npx tsx bench/counts.ts [--name=counts]. Writes bench/results/<name>.json.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../server/runtime/dev-server';
import { startWebhookReceiver } from '../test/channels/receivers';
import { incidentWorkflowId } from '../workflows/incident-contract';
import { benchPolicyDir, setSeverityField } from './policy-edits';
import { minus, rpcCounts, tallyHistory, withoutPolls } from './engine-counts';
import { describeMachine, flag, machine, sleep, startBenchStack, writeResult } from './support';

const name = flag('name') ?? 'counts';
const TASK_QUEUE = 'bench-counts';

async function main() {
  const inbox = await startWebhookReceiver();
  // Every 5 s the next level: primary, secondary, lead, twice round (SEV3 on payments, one target a step).
  const policyDir = benchPolicyDir(inbox.url, (text) => setSeverityField(text, 'SEV3', 'acknowledgementTimeout', '5s'));
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const bench = await startBenchStack({ name: 'counts', policyDir, taskQueue: TASK_QUEUE, metricsPort });
  const { stack } = bench;
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.token}` };
  const post = async (path: string, body: object) => {
    const response = await fetch(`${stack.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const pagesOf = (id: string) =>
    inbox.received.filter((delivery) => (delivery.json as { incident?: { id?: string } }).incident?.id === id && ['page', 'escalation'].includes((delivery.json as { kind?: string }).kind ?? ''));

  // Warm up (bundle, connections, the on-call notices' own start), then let the server settle.
  const warm = await post('/incidents', { title: 'warm-up', severity: 'SEV4', service: 'checkout-api' });
  for (let waited = 0; pagesOf(warm.id).length === 0 && waited < 30_000; waited += 100) await sleep(100);
  await sleep(3_000);

  const history = async (workflowId: string) => (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  /** Wait until the incident's history stops growing (its step's work is recorded), then snapshot both counts. */
  const settled = async (workflowId: string) => {
    let length = -1;
    for (;;) {
      const events = await history(workflowId);
      if (events.length === length) break;
      length = events.length;
      await sleep(1_500);
    }
    const overrides = await stack.client.workflow
      .list({ query: `WorkflowType = 'oncallOverrides' AND TaskQueue = '${TASK_QUEUE}'` })
      [Symbol.asyncIterator]()
      .next();
    const overridesHistory = overrides.done ? [] : await history(overrides.value.workflowId);
    return { incident: tallyHistory(await history(workflowId)), overrides: tallyHistory(overridesHistory), rpcs: withoutPolls(await rpcCounts(metricsUrl)) };
  };

  const before = { incident: {}, overrides: {}, rpcs: withoutPolls(await rpcCounts(metricsUrl)) };
  const t0 = Date.now();
  const { id } = await post('/incidents', { title: 'counted', severity: 'SEV3', service: 'checkout-api' });
  const workflowId = incidentWorkflowId(id);
  const waitForPages = async (count: number) => {
    for (let waited = 0; pagesOf(id).length < count; waited += 50) {
      if (waited > 60_000) throw new Error(`page ${count} of ${id} did not arrive`);
      await sleep(50);
    }
  };
  await waitForPages(1);
  const firstPageMs = Date.now() - t0;
  const atFirstPage = await settled(workflowId);
  await waitForPages(2);
  const atSecondPage = await settled(workflowId);
  await waitForPages(4);
  const atFourthPage = await settled(workflowId);
  await post(`/incidents/${id}/acknowledge`, { by: 'bench' });
  const acknowledged = await settled(workflowId);

  const section = (after: typeof before, from: typeof before, divisor = 1) => ({
    incidentHistory: minus(after.incident, from.incident, divisor),
    overridesHistory: minus(after.overrides, from.overrides, divisor),
    rpcs: minus(after.rpcs, from.rpcs, divisor),
  });
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    config: { severity: 'SEV3', service: 'checkout-api', acknowledgementTimeout: '5s', escalation: 'primary, secondary, lead; repeated once' },
    firstPageMs,
    throughFirstPage: section(atFirstPage, before),
    perEscalationStep: section(atFourthPage, atSecondPage, 2),
    secondStep: section(atSecondPage, atFirstPage),
    acknowledgement: section(acknowledged, atFourthPage),
  };
  const show = (label: string, part: ReturnType<typeof section>) =>
    console.log(`${label}\n  incident history: ${JSON.stringify(part.incidentHistory)}\n  overrides history: ${JSON.stringify(part.overridesHistory)}\n  RPCs: ${JSON.stringify(part.rpcs)}`);
  show('declaration through its first page', result.throughFirstPage);
  show('each later escalation step (mean of steps 3 and 4)', result.perEscalationStep);
  show('acknowledgement', result.acknowledgement);
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);

  await bench.stop();
  await inbox.close();
  rmSync(join(policyDir, '..'), { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
