/**
 * Deliveries that arrive for one group while a signal to it is on its way go together in the next signal
 * (engine/alert-groups.ts), in order, and one the engine refuses fails alone.
 * An alert group that wakes to many batches waiting for its open incident forwards them in one signal, in
 * order, instead of one signal (and one task for the incident) per batch; a batch that asks more than a
 * forward, an acknowledgement, goes after what was held and before what follows it. Deterministic: the
 * batches are sent before any worker runs, so the group's first task finds them all waiting.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createIntakeActivities } from '../../activities/intake';
import { createPagingActivities } from '../../activities/paging';
import { AlertGroups, alertGroupWorkflowId } from '../../engine/alert-groups';
import { Overrides } from '../../engine/overrides';
import { registerSearchAttributes } from '../../engine/search-attributes';
import { loadPolicyDir } from '../../policy/io/load';
import { PolicyStore } from '../../server/runtime/policy-store';
import { alertGroupQuery } from '../../workflows/alert-group-contract';
import type { AlertBatch } from '../../workflows/alert-group-rules';
import { stateQuery } from '../../workflows/incident-contract';
import { TASK_QUEUE } from '../../workflows/queues';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { startStoreWorker } from '../support/store';

const EventType = temporal.api.enums.v1.EventType;
let env: TestWorkflowEnvironment;
let inbox: WebhookReceiver;
let store: PolicyStore;
let storeWorker: Awaited<ReturnType<typeof startStoreWorker>>;

beforeAll(async () => {
  inbox = await startWebhookReceiver();
  const loaded = loadPolicyDir(testPolicyDir({ webhookUrl: inbox.url }));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  store = new PolicyStore(loaded.policy, 'test');
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServerPath') } } });
  await registerSearchAttributes(env.connection, 'default');
  storeWorker = await startStoreWorker(env.nativeConnection);
});
afterAll(async () => {
  await storeWorker?.stop();
  await env?.teardown();
  await inbox?.close();
});

/** Runs the incidents' worker until `done` resolves. */
async function withWorker<T>(done: () => Promise<T>): Promise<T> {
  const activities = {
    ...createPagingActivities({ policies: store, overrides: new Overrides(env.client), client: env.client, publicUrl: () => 'http://marshal.test' }),
    ...createIntakeActivities(env.client),
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  const running = worker.run();
  try {
    return await done();
  } finally {
    worker.shutdown();
    await running;
  }
}

const alertBatch = (key: string, action: 'trigger' | 'acknowledge' = 'trigger', summary = `alert ${key}`): AlertBatch => ({
  alerts: [{ action, observation: { source: 'alertmanager', key, status: 'firing', summary } }],
  declaration: { title: 'Checkout latency', severity: 'SEV3', service: 'checkout-api' },
  policy: store.incidentPolicy(),
  receivedAt: new Date().toISOString(),
});

const signalsReceived = async (workflowId: string) =>
  ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;

describe('deliveries for one group arriving together', () => {
  it('go in one signal while the one before them is on its way, each answered once it is durable, in arrival order', async () => {
    const groups = new AlertGroups(env.client);
    const group = `together-${Date.now()}`;
    const workflowId = alertGroupWorkflowId('alertmanager', group);
    const keys = Array.from({ length: 30 }, (_, index) => `t-${String(index).padStart(2, '0')}`);

    // Thirty at once: the first goes alone, the other twenty-nine wait for it and then go in one signal.
    await Promise.all(keys.map((key) => groups.deliver([{ integration: 'alertmanager', group, batch: alertBatch(key) }], [])));
    expect(await signalsReceived(workflowId)).toBe(2);

    const incident = await withWorker(() =>
      vi.waitFor(
        async () => {
          const view = await env.client.workflow.getHandle(workflowId).query(alertGroupQuery);
          expect(view.pending).toBe(0);
          expect(view.counts.deliveries).toBe(30);
          const state = await env.client.workflow.getHandle(view.incident!.workflowId).query(stateQuery);
          expect(state.alerts).toHaveLength(30);
          return state;
        },
        { timeout: 20_000, interval: 100 },
      ),
    );
    expect(incident.timeline.filter((event) => event.type === 'alert').map((event) => (event.type === 'alert' ? event.key : ''))).toEqual(keys);
  });

  it('fail alone when the engine refuses one of them: its neighbours are still delivered', async () => {
    const groups = new AlertGroups(env.client);
    const group = `refused-${Date.now()}`;
    const workflowId = alertGroupWorkflowId('alertmanager', group);
    const deliver = (batch: AlertBatch) => groups.deliver([{ integration: 'alertmanager', group, batch }], []);
    // Over the engine's message limit (4 MB; the client retries the refusal until its 10 s deadline): intake's own
    // 512 KB body limit keeps senders' deliveries far below it.
    const outcomes = await Promise.allSettled([deliver(alertBatch('r-1')), deliver(alertBatch('r-huge', 'trigger', 'x'.repeat(5_000_000))), deliver(alertBatch('r-2')), deliver(alertBatch('r-3'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // r-1 alone, the refused one alone, then r-2 and r-3 together.
    expect(await signalsReceived(workflowId)).toBe(2);
  });
});

describe('an alert group waking to many batches', () => {
  it('forwards the batches held for its open incident in one signal, in order, with an acknowledgement between them kept in its place', async () => {
    const groups = new AlertGroups(env.client);
    const group = `held-${Date.now()}`;
    const workflowId = alertGroupWorkflowId('alertmanager', group);
    const deliver = (b: AlertBatch) => groups.deliver([{ integration: 'alertmanager', group, batch: b }], []);
    const externalSignals = async () =>
      ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((event) => event.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED).length;

    // With no worker yet, twenty-one batches wait: the first alert, nine more, an acknowledgement of the first, ten more.
    const keys = Array.from({ length: 20 }, (_, index) => `a-${String(index + 1).padStart(2, '0')}`);
    await deliver(alertBatch('a-00'));
    for (const key of keys.slice(0, 9)) await deliver(alertBatch(key));
    await deliver(alertBatch('a-00', 'acknowledge'));
    for (const key of keys.slice(9)) await deliver(alertBatch(key));

    const state = await withWorker(() =>
      vi.waitFor(
        async () => {
          const view = await env.client.workflow.getHandle(workflowId).query(alertGroupQuery);
          expect(view.pending).toBe(0);
          const incident = await env.client.workflow.getHandle(view.incident!.workflowId).query(stateQuery);
          expect(incident.alerts).toHaveLength(21);
          expect(incident.acknowledgedAt).toBeDefined();
          return incident;
        },
        { timeout: 20_000, interval: 100 },
      ),
    );

    // Two signals for twenty-one batches: the nine before the acknowledgement and the ten after it; the first
    // alert opened the incident and came with its start.
    expect(await externalSignals()).toBe(2);
    const order = state.timeline.filter((event) => event.type === 'alert' || event.type === 'acknowledged').map((event) => (event.type === 'alert' ? event.key : 'ack'));
    expect(order).toEqual(['a-00', ...keys.slice(0, 9), 'ack', ...keys.slice(9)]);
  });
});
