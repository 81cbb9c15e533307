/**
 * The time-skipping test bed the follow-through tests share: real paging activities delivering to a real
 * local webhook receiver, against the shipped policy with its contacts pointed there, and a fresh
 * time-skipping server per test (the clock is global to a server, so timers or work left by one test —
 * an override's expiry, an action item's reminders — must not hold up another's skipped days).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject, vi } from 'vitest';
import { createOnCallNoticeActivities } from '../../activities/oncall-notices';
import { createPagingActivities } from '../../activities/paging';
import { Overrides } from '../../engine/overrides';
import { registerSearchAttributes } from '../../engine/search-attributes';
import { loadPolicyDir } from '../../policy/io/load';
import { createLogger } from '../../server/runtime/log';
import { PolicyStore } from '../../server/runtime/policy-store';
import { installRuntimeLogging } from '../../server/runtime/worker';
import type { incident } from '../../workflows/incident';
import { stateQuery } from '../../workflows/incident-contract';
import type { IncidentPolicy, IncidentState } from '../../workflows/incident-state';
import { TASK_QUEUE } from '../../workflows/queues';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from './policy';
import { startStoreWorker } from './store';

export interface IncidentBed {
  /** This test's time-skipping server (new for each test). */
  env: TestWorkflowEnvironment;
  /** Where every notification lands, across the file's tests. */
  inbox: WebhookReceiver;
  store: PolicyStore;
  /** Starts an incident workflow under the shipped policy; it is terminated after the test. */
  start(id: string, declaration: { title: string; severity: string; team?: string; service?: string }): ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>;
  /** Terminates this workflow after the test, as `start` does for incidents. */
  track<H extends { terminate(reason: string): Promise<unknown> }>(handle: H): H;
  /** Skipped time fires timers at once, but deliveries take real milliseconds: waits until none is in flight. */
  settled(handle: { query: (q: typeof stateQuery) => Promise<IncidentState> }): Promise<IncidentState>;
}

/** Registers the hooks of a test file and answers its bed, filled in as they run. */
export function useIncidentBed(options: { linkSecret: string }): IncidentBed {
  let policy: IncidentPolicy;
  let worker: Worker;
  let running: Promise<void>;
  let storeWorker: Awaited<ReturnType<typeof startStoreWorker>>;
  const started: { terminate(reason: string): Promise<unknown> }[] = [];

  const bed = {
    async start(id, declaration) {
      const handle = await bed.env.client.workflow.start<typeof incident>('incident', { workflowId: `incident-${id}`, taskQueue: TASK_QUEUE, args: [{ declaration: { id, ...declaration }, policy }] });
      return bed.track(handle);
    },
    track(handle) {
      started.push(handle);
      return handle;
    },
    settled(handle) {
      return vi.waitFor(
        async () => {
          const state = await handle.query(stateQuery);
          expect(state.pages.filter((page) => page.outcome === 'sending')).toEqual([]);
          return state;
        },
        { timeout: 10_000, interval: 50 },
      );
    },
  } as IncidentBed;

  beforeAll(async () => {
    installRuntimeLogging(createLogger('warn'));
    bed.inbox = await startWebhookReceiver();
    const loaded = loadPolicyDir(testPolicyDir({ webhookUrl: bed.inbox.url }));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    bed.store = new PolicyStore(loaded.policy, 'test');
    policy = bed.store.incidentPolicy();
  });
  afterAll(async () => {
    await bed.inbox?.close();
  });

  beforeEach(async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServerPath') } } });
    bed.env = env;
    await registerSearchAttributes(env.connection, 'default');
    const overrides = new Overrides(env.client);
    const activities = {
      ...createPagingActivities({ policies: bed.store, overrides, client: env.client, publicUrl: () => 'http://marshal.test', linkSecret: options.linkSecret }),
      ...createOnCallNoticeActivities({ policies: bed.store, overrides }),
    };
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
    running = worker.run();
    storeWorker = await startStoreWorker(env.nativeConnection);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((handle) => handle.terminate('test done').catch(() => undefined)));
    worker.shutdown();
    await running;
    await storeWorker.stop();
    await bed.env.teardown();
  });

  return bed;
}
