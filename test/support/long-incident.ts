/**
 * One incident driven long: thousands of alert deliveries and long status updates, as a storm or a chatty
 * SEV1 would. Used at two sizes: in `npm test` and, at 20,000 events, in the fault suite. It answers what
 * the test asserts: the state's size, the largest payload Temporal was ever given, and whether the
 * incident still answers, pages and closes.
 */
import type { Client } from '@temporalio/client';
import { ALERT_BATCH_LIMIT, alertBatchSignal, incidentWorkflowId, stateQuery } from '../../workflows/incident-contract';
import type { IncidentState } from '../../workflows/incident-state';
import type { TestStack } from './stack';
import { apiClient } from './stack';
import { until } from './wait';

export interface LongIncidentFigures {
  id: string;
  events: number;
  stateBytes: number;
  largestPayloadBytes: number;
  largestPayloadIn: string;
  runs: number;
  timelinePaged: number;
  getMs: number;
  pagedAfterFlood: boolean;
  closed: boolean;
}

/** The largest single payload in every run of a workflow's history (inputs, signals, updates, results). */
async function largestPayload(client: Client, workflowId: string): Promise<{ bytes: number; where: string; runs: number }> {
  let largest = { bytes: 0, where: 'none' };
  let runs = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs += 1;
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const walk = (value: unknown, where: string) => {
        if (!value || typeof value !== 'object') return;
        if (value instanceof Uint8Array) {
          if (value.length > largest.bytes) largest = { bytes: value.length, where };
          return;
        }
        for (const [key, child] of Object.entries(value)) walk(child, key.endsWith('Attributes') ? key : where);
      };
      walk(event, 'event');
    }
  }
  return { ...largest, runs };
}

export async function driveLongIncident(stack: TestStack, size: { alerts: number; updates: number; updateLength: number }): Promise<LongIncidentFigures> {
  const api = apiClient(stack.url, stack.token);
  const declared = await api.post('/api/v1/incidents', { title: 'A very long incident', severity: 'SEV3', service: 'checkout-api' });
  if (declared.status !== 201) throw new Error(`declare answered ${declared.status}`);
  const id: string = declared.body.id;
  const handle = stack.client.workflow.getHandle(incidentWorkflowId(id));

  // Alert deliveries as alert groups forward them: batches of new alert identities, each one a change
  // recorded on the timeline, several batches in flight at once; between rounds the archive catches up, as
  // it does over hours (a storm faster than that is folded into counts: see the unit tests).
  const batch = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      source: 'storm',
      key: `alert-${from + i}`,
      status: 'firing' as const,
      summary: `Error rate high on shard ${(from + i) % 40}`,
      labels: { alertname: 'ErrorRate', shard: String((from + i) % 40) },
    }));
  for (let sent = 0; sent < size.alerts; sent += 4 * ALERT_BATCH_LIMIT) {
    await Promise.all(
      [0, 1, 2, 3].map((k) => {
        const from = sent + k * ALERT_BATCH_LIMIT;
        const count = Math.min(ALERT_BATCH_LIMIT, size.alerts - from);
        return count > 0 ? handle.signal(alertBatchSignal, batch(from, count)) : undefined;
      }),
    );
    await until(
      'the archive to catch up',
      async () => {
        const state = await handle.query(stateQuery);
        return state.lastSeq >= Math.min(sent + 4 * ALERT_BATCH_LIMIT, size.alerts) && state.lastSeq - state.archivedThrough < 100 ? true : undefined;
      },
      60_000,
      50,
    );
  }
  const message = (n: number) => `Update ${n}: ${'still investigating the storm; '.repeat(size.updateLength / 30)}`.slice(0, size.updateLength);
  for (let n = 1; n <= size.updates; n += 1) {
    const answer = await api.post(`/api/v1/incidents/${id}/updates`, { status: 'investigating', message: message(n) });
    if (answer.status !== 200) throw new Error(`update ${n} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
  const events = await until(
    'every alert to be on the timeline',
    async () => {
      const state = await handle.query(stateQuery);
      return state.lastSeq >= size.alerts + size.updates ? state.lastSeq : undefined;
    },
    300_000,
    500,
  );

  // It still answers: the incident, and its whole timeline page by page.
  const started = Date.now();
  const read = await api.get(`/api/v1/incidents/${id}`);
  const getMs = Date.now() - started;
  if (read.status !== 200) throw new Error(`GET answered ${read.status}`);
  let timelinePaged = 0;
  for (let next: string | undefined = `/api/v1/incidents/${id}/timeline?limit=1000`; next;) {
    const page: { body: { events: unknown[]; next?: string } } = await api.get(next);
    timelinePaged += page.body.events.length;
    next = page.body.next;
  }

  // It still pages: raising the severity pages the team again.
  const before = stack.inbox.received.length;
  await api.post(`/api/v1/incidents/${id}/severity`, { severity: 'SEV2', reason: 'The storm spread' });
  const pagedAfterFlood = await until('a page after the flood', () => stack.inbox.received.slice(before).some((hook) => hook.body.includes(id)), 60_000, 200).then(
    () => true,
    () => false,
  );

  // And it closes.
  await api.post(`/api/v1/incidents/${id}/acknowledge`, {});
  await api.post(`/api/v1/incidents/${id}/resolve`, { summary: 'Storm over' });
  const publish = await api.post(`/api/v1/incidents/${id}/postmortem`, { markdown: '# Postmortem\nA long one.' });
  if (publish.status !== 200) throw new Error(`postmortem answered ${publish.status}`);
  const closed = await until('the incident to close', async () => ((await api.get(`/api/v1/incidents/${id}`)).body.status === 'closed' ? true : undefined), 120_000, 500).then(
    () => true,
    () => false,
  );

  const state: IncidentState = await handle.query(stateQuery);
  const largest = await largestPayload(stack.client, incidentWorkflowId(id));
  return {
    id,
    events,
    stateBytes: JSON.stringify(state).length,
    largestPayloadBytes: largest.bytes,
    largestPayloadIn: largest.where,
    runs: largest.runs,
    timelinePaged,
    getMs,
    pagedAfterFlood,
    closed,
  };
}
