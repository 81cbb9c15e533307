/**
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

describe('an alert group waking to many batches', () => {
  it('forwards the batches held for its open incident in one signal, in order, with an acknowledgement between them kept in its place', async () => {
    const groups = new AlertGroups(env.client);
    const group = `held-${Date.now()}`;
    const workflowId = alertGroupWorkflowId('alertmanager', group);
    const batch = (key: string, action: 'trigger' | 'acknowledge' = 'trigger'): AlertBatch => ({
      alerts: [{ action, observation: { source: 'alertmanager', key, status: 'firing', summary: `alert ${key}` } }],
      declaration: { title: 'Checkout latency', severity: 'SEV3', service: 'checkout-api' },
      policy: store.incidentPolicy(),
      receivedAt: new Date().toISOString(),
    });
    const deliver = (b: AlertBatch) => groups.deliver([{ integration: 'alertmanager', group, batch: b }], []);
    const externalSignals = async () =>
      ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((event) => event.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED).length;

    // With no worker yet, twenty-one batches wait: the first alert, nine more, an acknowledgement of the first, ten more.
    const keys = Array.from({ length: 20 }, (_, index) => `a-${String(index + 1).padStart(2, '0')}`);
    await deliver(batch('a-00'));
    for (const key of keys.slice(0, 9)) await deliver(batch(key));
    await deliver(batch('a-00', 'acknowledge'));
    for (const key of keys.slice(9)) await deliver(batch(key));

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

    // Three signals for twenty-one batches: the first alert's (it opened the incident), the nine before the
    // acknowledgement, and the ten after it.
    expect(await externalSignals()).toBe(3);
    const order = state.timeline.filter((event) => event.type === 'alert' || event.type === 'acknowledged').map((event) => (event.type === 'alert' ? event.key : 'ack'));
    expect(order).toEqual(['a-00', ...keys.slice(0, 9), 'ack', ...keys.slice(9)]);
  });
});
