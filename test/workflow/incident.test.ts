/**
 * The incident workflow on the time-skipping test server: days pass in milliseconds, and the workflow
 * keeps its state across continue-as-new.
 */
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStoreWorker } from '../support/store';
import { inject } from 'vitest';
import { loadPolicyDir } from '../../policy/io/load';
import type { incident } from '../../workflows/incident';
import type { IncidentInput } from '../../workflows/incident-contract';
import type { IncidentPolicy, IncidentState } from '../../workflows/incident-state';
import { commandUpdate, incidentStartOptions, policySignal, searchAttributes, stateQuery } from '../../workflows/incident-contract';
import { createLogger } from '../../server/runtime/log';
import { installRuntimeLogging } from '../../server/runtime/worker';
import { registerSearchAttributes } from '../../engine/search-attributes';
import { repoRoot } from '../support/stack';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let storeWorker: Awaited<ReturnType<typeof startStoreWorker>> | undefined;
const taskQueue = 'incident-workflow-test';

const loaded = loadPolicyDir(join(repoRoot, 'config'));
if (!loaded.ok) throw new Error('the shipped policy must load');
const policy: IncidentPolicy = { version: 'v1', severities: loaded.policy.severities };

beforeAll(async () => {
  installRuntimeLogging(createLogger('warn'));
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServerPath') } } });
  await registerSearchAttributes(env.connection, 'default');
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
  running = worker.run();
  storeWorker = await startStoreWorker(env.nativeConnection, taskQueue);
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await storeWorker?.stop();
  await env?.teardown();
});

function start(input: Omit<IncidentInput, 'policy'>, id: string) {
  return env.client.workflow.start<typeof incident>('incident', { workflowId: `incident-${id}`, taskQueue, args: [{ policy, ...input }] });
}

describe('incident workflow', () => {
  it('stays open for weeks while an action item is open, and closes the moment it is completed', async () => {
    const handle = await start({ declaration: { id: 'wf1', title: 'Payments down', severity: 'SEV3' } }, 'wf1');
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'add-action-item', by: 'alice', title: 'Add a canary', owner: 'bob' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'resolve', by: 'alice', summary: 'fixed' }] });
    await env.sleep('30 days');
    const waiting = await handle.query(stateQuery);
    expect(waiting.status).toBe('resolved');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'complete-action-item', by: 'bob', itemId: 'AI-1' }] });
    const final: IncidentState = await handle.result();
    expect(final).toMatchObject({ status: 'closed', phase: 'closed' });
    // Workflow time moved 30 days between resolution and completion, and the timeline says so.
    const resolvedAt = Date.parse(final.resolvedAt!);
    const completedAt = Date.parse(final.actionItems[0].closedAt!);
    expect(completedAt - resolvedAt).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
  });

  it('rejects a forbidden command through the update validator without recording anything', async () => {
    const handle = await start({ declaration: { id: 'wf2', title: 'Search slow', severity: 'SEV2' } }, 'wf2');
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'resolve', by: 'alice', summary: 'fixed' }] });
    const before = (await handle.query(stateQuery)).timeline.length;
    await expect(handle.executeUpdate(commandUpdate, { args: [{ type: 'resolve', by: 'bob', summary: 'again' }] })).rejects.toThrow(/update/i);
    expect((await handle.query(stateQuery)).timeline.length).toBe(before);
    await handle.terminate('test done');
  });

  it('continues as new when the history grows, carrying the whole state', async () => {
    const handle = await start({ declaration: { id: 'wf3', title: 'Long incident', severity: 'SEV2' }, historyLimit: 40 }, 'wf3');
    const firstRun = (await handle.describe()).runId;
    for (let n = 1; n <= 25; n += 1) {
      await handle.executeUpdate(commandUpdate, { args: [{ type: 'post-status-update', by: 'alice', status: 'investigating', message: `update ${n}` }] });
    }
    const state = await handle.query(stateQuery);
    expect(state.landmarks.statusUpdateCount).toBe(25);
    expect(state.landmarks.lastStatusUpdate?.message).toBe('update 25');
    // The run archives what it holds, then continues as new.
    await vi.waitFor(async () => expect((await handle.describe()).runId).not.toBe(firstRun), { timeout: 10_000, interval: 100 });
    expect((await handle.query(stateQuery)).landmarks.statusUpdateCount).toBe(25);
    await handle.terminate('test done');
  });

  it('costs a new incident one patch marker and no rewrite of the search attributes it started with, and it takes every change', async () => {
    const declaration = { title: 'One marker', severity: 'SEV2', service: 'checkout-api' };
    const handle = await env.client.workflow.start<typeof incident>('incident', {
      workflowId: 'incident-wf5',
      taskQueue,
      args: [{ policy, declaration: { id: 'wf5', ...declaration } }],
      ...incidentStartOptions(declaration, new Date().toISOString()),
    });
    await handle.query(stateQuery);
    const marshalUpserts = async () =>
      ((await handle.fetchHistory()).events ?? []).filter((event) => event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[searchAttributes.status.name]);
    expect(await marshalUpserts()).toHaveLength(0);
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.service)).toBe('checkout-api');

    await handle.executeUpdate(commandUpdate, { args: [{ type: 'resolve', by: 'alice', summary: 'fixed' }] });
    // What changed is written: the status.
    await vi.waitFor(async () => expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.status)).toBe('resolved'), { timeout: 10_000, interval: 100 });
    expect(await marshalUpserts()).toHaveLength(1);
    // The change behind 'bounded-state-v1' and 'projection-v1': the events reach the archive.
    await vi.waitFor(async () => expect((await handle.query(stateQuery)).archivedThrough).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    const { events } = await handle.fetchHistory();
    const patches = (events ?? []).filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch');
    expect(patches).toHaveLength(1);
    const id = patches[0].markerRecordedEventAttributes!.details!['patch-data'].payloads![0].data!;
    expect(JSON.parse(Buffer.from(id).toString('utf8'))).toMatchObject({ id: 'incidents-2026-12' });
    await handle.terminate('test done');
  });

  it('records a newly applied policy version on the timeline', async () => {
    const handle = await start({ declaration: { id: 'wf4', title: 'Policy change', severity: 'SEV2' } }, 'wf4');
    await handle.signal(policySignal, { ...policy, version: 'v2' });
    const state = await handle.query(stateQuery);
    expect(state.policyVersion).toBe('v2');
    expect(state.timeline.at(-1)).toMatchObject({ type: 'policy-applied', from: 'v1', to: 'v2' });
    await handle.terminate('test done');
  });
});
