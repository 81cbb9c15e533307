/**
 * Paging on the running stack, in real (second-scale) time on the dev server: a SEV1 pages the primary by
 * webhook and email, escalates to the secondary when nobody acknowledges, and an acknowledgement stops it.
 * Then the worker is killed with SIGKILL mid-chain and a new one carries on: nothing lost, nothing twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { IncidentView } from '../../workflows/incident-view';
import { incidentWorkflowId } from '../../workflows/incident-contract';
import { startSmtpServer, startWebhookReceiver, type SmtpTestServer, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { apiClient, repoRoot, startTestStack, type TestStack } from '../support/stack';

const EventType = temporal.api.enums.v1.EventType;
let hooks: WebhookReceiver;
let smtp: SmtpTestServer;
let policyDir: string;

/** Platform's SEV1 chain with 3-second acknowledgement timeouts: primary, secondary, lead, twice over; no quiet hours. */
beforeAll(async () => {
  hooks = await startWebhookReceiver();
  smtp = await startSmtpServer();
  policyDir = testPolicyDir({
    webhookUrl: hooks.url,
    smtpPort: smtp.port,
    edit: {
      'severities.yaml': (text) => text.replace('acknowledgementTimeout: 5m', 'acknowledgementTimeout: 3s'),
      // No quiet hours: a SEV3 declared at any hour pages at once.
      'teams/platform.yaml': (text) => text.replace('          delay: 5m\n', '').replace(/^quietHours:\n(?:[ \t]+.*\n?)*/m, ''),
    },
  });
});
afterAll(async () => {
  await hooks?.close();
  await smtp?.close();
});

interface Delivery {
  key: string;
  kind: string;
  incident: { id: string };
  recipient: { personId: string };
}
const pagesOf = (id: string) => hooks.received.map((delivery) => delivery.json as Delivery).filter((json) => json.incident.id === id && (json.kind === 'page' || json.kind === 'escalation'));

describe('paging in real time', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ policy: { kind: 'directory', dir: policyDir } });
  });
  afterAll(async () => stack?.stop());

  it('pages the primary by webhook and email, escalates to the secondary, and stops on acknowledgement', async () => {
    const api = apiClient(stack.url, stack.token);
    const { body: incident } = await api.post<IncidentView>('/api/v1/incidents', { title: 'Gateway down', severity: 'SEV1', service: 'api-gateway' });
    const first = await vi.waitFor(
      () => {
        expect(pagesOf(incident.id)).toHaveLength(1);
        return pagesOf(incident.id)[0];
      },
      { timeout: 10_000, interval: 100 },
    );
    // The same page by email, with a Message-ID derived from the same idempotency key.
    await vi.waitFor(() => expect(smtp.received.some((mail) => mail.envelopeTo.includes(`${first.recipient.personId}@example.test`) && mail.subject.includes('Gateway down'))).toBe(true), {
      timeout: 10_000,
    });

    const second = await vi.waitFor(
      () => {
        expect(pagesOf(incident.id)).toHaveLength(2);
        return pagesOf(incident.id)[1];
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(second.recipient.personId).not.toBe(first.recipient.personId);
    await api.post(`/api/v1/incidents/${incident.id}/acknowledge`, { by: second.recipient.personId });

    // Two more timeouts pass: nobody else is paged, and the lead never hears of it.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(pagesOf(incident.id)).toHaveLength(2);
    const state = (await api.get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body;
    expect(state.timeline.filter((event) => event.type === 'escalation-step')).toHaveLength(2);
    const pages = state.pages.filter((page) => page.kind === 'page' || page.kind === 'escalation');
    expect(pages.map((page) => [page.to, page.outcome, page.channel])).toEqual([
      [first.recipient.personId, 'delivered', 'inbox+webhook+email'],
      [second.recipient.personId, 'delivered', 'inbox+webhook+email'],
    ]);
    // Each notification reached the webhook receiver exactly once.
    const keys = hooks.requests.filter((request) => request.outcome === 'accepted').map((request) => request.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('starts the incident eagerly, sends the first page as its first activity and archives it once delivered, and asks about rest only where the rest rule covers the severity', async () => {
    const api = apiClient(stack.url, stack.token);
    /** What the incident asked for, in order: activity types, and `local` for a local activity (a step's plan). */
    const activitiesOf = async (id: string) => {
      const { events } = await stack.client.workflow.getHandle(incidentWorkflowId(id)).fetchHistory();
      return (events ?? []).flatMap((event) => {
        if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) return [event.activityTaskScheduledEventAttributes!.activityType!.name!];
        return event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && event.markerRecordedEventAttributes?.markerName === 'core_local_activity' ? ['local'] : [];
      });
    };
    // Platform's rest rule covers SEV1 and SEV2, not SEV3.
    const { body: sev3 } = await api.post<IncidentView>('/api/v1/incidents', { title: 'Slow dashboards', severity: 'SEV3', service: 'api-gateway' });
    const { body: sev1 } = await api.post<IncidentView>('/api/v1/incidents', { title: 'Gateway down again', severity: 'SEV1', service: 'api-gateway' });
    // The answer is the incident as declared, not read back from the workflow (no query per declaration).
    expect(sev3.timeline.map((event) => event.type)).toEqual(['declared']);
    expect(sev3).toMatchObject({ phase: 'discover', status: 'open', team: 'platform', service: 'api-gateway' });
    // Once the next step is planned, the first step's work is all scheduled.
    const sev3Activities = await vi.waitFor(
      async () => {
        const scheduled = await activitiesOf(sev3.id);
        expect(scheduled).toContain('local');
        return scheduled.filter((type) => type !== 'archiveTimeline');
      },
      { timeout: 15_000, interval: 200 },
    );
    // The page, then the next step planned locally: no activity task of its own.
    expect(sev3Activities).toEqual(['notifyPerson', 'local']);
    // Started eagerly: the server handed the incident's first task straight to this process's worker.
    const [started] = (await stack.client.workflow.getHandle(incidentWorkflowId(sev3.id)).fetchHistory()).events ?? [];
    expect(started.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted).toBe(true);
    // The page, once delivered, is archived at once: its archive's batch timer is cancelled, not waited out.
    const upToArchive = await vi.waitFor(
      async () => {
        const events = (await stack.client.workflow.getHandle(incidentWorkflowId(sev3.id)).fetchHistory()).events ?? [];
        const archived = events.findIndex((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'archiveTimeline');
        expect(archived).toBeGreaterThan(0);
        return events.slice(0, archived).map((event) => event.eventType);
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(upToArchive).toContain(EventType.EVENT_TYPE_TIMER_CANCELED);
    expect(upToArchive).not.toContain(EventType.EVENT_TYPE_TIMER_FIRED);
    expect(upToArchive.filter((type) => type === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toHaveLength(2);
    const sev1Activities = await vi.waitFor(
      async () => {
        const scheduled = await activitiesOf(sev1.id);
        expect(scheduled).toContain('applyRestRule');
        return scheduled.filter((type) => type !== 'archiveTimeline');
      },
      { timeout: 15_000, interval: 200 },
    );
    // (Whether the rule then applies depends on the hour where the person lives.)
    expect(sev1Activities.slice(0, 2)).toEqual(['notifyPerson', 'applyRestRule']);
    // The page planned by the server went where the policy says: the platform primary, as step 0.
    const state = (await api.get<IncidentView>(`/api/v1/incidents/${sev3.id}`)).body;
    const step = state.timeline.find((event) => event.type === 'escalation-step');
    expect(step).toMatchObject({ step: 0, level: 1, round: 0 });
    expect(pagesOf(sev3.id).map((page) => page.recipient.personId)).toEqual((step as unknown as { targets: string[] }).targets);
    for (const incident of [sev3, sev1]) await api.post(`/api/v1/incidents/${incident.id}/acknowledge`, { by: pagesOf(incident.id)[0].recipient.personId });
    // A person's command is archived at once too, in the workflow task that applied it.
    const afterAcknowledgement = await vi.waitFor(
      async () => {
        const events = (await stack.client.workflow.getHandle(incidentWorkflowId(sev3.id)).fetchHistory()).events ?? [];
        const from = events.findIndex((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
        const archived = events.findIndex((event, index) => index > from && event.activityTaskScheduledEventAttributes?.activityType?.name === 'archiveTimeline');
        expect(from).toBeGreaterThan(0);
        expect(archived).toBeGreaterThan(from);
        return events.slice(from, archived).map((event) => event.eventType);
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(afterAcknowledgement).not.toContain(EventType.EVENT_TYPE_TIMER_FIRED);
    expect(afterAcknowledgement).not.toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  });
});

describe('a worker killed mid-escalation', () => {
  let api: TestStack;
  const workers: ChildProcess[] = [];
  const taskQueue = `marshal-crash-${process.pid}`;

  function startWorker(): Promise<ChildProcess> {
    // node itself runs the worker (not the tsx CLI wrapper), so SIGKILL reaches the worker and nothing is orphaned.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/runtime/worker-main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        MARSHAL_TASK_QUEUE: taskQueue,
        MARSHAL_POLICY_DIR: policyDir,
        MARSHAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'marshal-worker-')),
        MARSHAL_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(child);
    let output = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Marshal worker running')) resolve(child);
      });
      child.stderr!.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
    });
  }

  beforeAll(async () => {
    // The API alone; the worker is a separate process this test kills.
    api = await startTestStack({ policy: { kind: 'directory', dir: policyDir }, taskQueue, noWorker: true });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await api?.stop();
  });

  it('carries the chain on in a new worker: every page delivered, none twice', async () => {
    const client = apiClient(api.url, api.token);
    const first = await startWorker();
    const { body: incident } = await client.post<IncidentView>('/api/v1/incidents', { title: 'Database failover', severity: 'SEV1', service: 'postgres-primary' });
    await vi.waitFor(() => expect(pagesOf(incident.id)).toHaveLength(1), { timeout: 15_000, interval: 100 });

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await startWorker();

    // The escalation timer fired while no worker ran; the new worker pages level 2 and then level 3.
    await vi.waitFor(() => expect(pagesOf(incident.id).length).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 200 });
    await client.post(`/api/v1/incidents/${incident.id}/acknowledge`, { by: 'judy' });
    const state = await vi.waitFor(
      async () => {
        const current = (await client.get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body;
        expect(current.pages.filter((page) => page.outcome === 'sending')).toEqual([]);
        return current;
      },
      { timeout: 15_000, interval: 200 },
    );

    const pages = state.pages.filter((page) => page.kind === 'page' || page.kind === 'escalation');
    // Nothing lost: every page on the timeline was delivered and arrived; nothing twice: one arrival per page.
    expect(pages.every((page) => page.outcome === 'delivered')).toBe(true);
    expect(
      pagesOf(incident.id)
        .map((delivery) => delivery.key)
        .sort(),
    ).toEqual(pages.map((page) => `${incident.id}:${page.seq}`).sort());
    const accepted = hooks.requests.filter((request) => request.outcome === 'accepted' && request.key?.startsWith(`${incident.id}:`)).map((request) => request.key);
    expect(new Set(accepted).size).toBe(accepted.length);
  }, 90_000);
});
