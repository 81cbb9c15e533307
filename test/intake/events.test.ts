/**
 * PagerDuty-style events (Events API v2 at /api/v1/webhooks/events and /v2/enqueue), the generic shape
 * with a Datadog template, rate limits and heartbeats — over real HTTP on the dev server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import { heartbeatWorkflowId } from '../../workflows/alert-group-contract';
import { apiClient, startTestStack } from '../support/stack';
import { eventually, fixture, groupView, policyDirWith, runId, settledGroup } from './support';

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000001';
const GENERIC_TOKEN = 'generic-token-for-tests';
process.env.TEST_EVENTS_ROUTING_KEY = ROUTING_KEY;
process.env.TEST_EVENTS_GENERIC_TOKEN = GENERIC_TOKEN;
const WATCHED = `watched-${runId()}`;

let stack: Stack;
let api: ReturnType<typeof apiClient>;
const anonymous = () => apiClient(stack.url, undefined);
const pd = (body: unknown, path = '/v2/enqueue') => anonymous().post(path, body);
const generic = (body: unknown, path = '/api/v1/webhooks/generic') => apiClient(stack.url, GENERIC_TOKEN).post(path, body);

beforeAll(async () => {
  const policyDir = policyDirWith(`
  events: { tokenEnv: TEST_EVENTS_ROUTING_KEY }
  generic: { tokenEnv: TEST_EVENTS_GENERIC_TOKEN }
  limited: { kind: generic, tokenEnv: TEST_EVENTS_GENERIC_TOKEN, rateLimit: { perSecond: 0.5, burst: 2 } }
  ${WATCHED}: { kind: alertmanager, tokenEnv: TEST_EVENTS_GENERIC_TOKEN, heartbeat: { every: 3s, alertname: Watchdog, severity: SEV4, service: kubernetes } }
`);
  stack = await startTestStack({ policy: { kind: 'directory', dir: policyDir } });
  api = apiClient(stack.url, stack.token);
});
afterAll(async () => {
  await stack?.stop();
});

const incidentOfGroup = async (groupId: string, deliveries: number) => {
  const view = await settledGroup(stack.client, groupId, deliveries);
  return view;
};

/** The events answer does not name the group; find it through the incident list by service. */
async function incidentFor(service: string, predicate: (incident: any) => boolean) {
  return eventually(async () => {
    const { body } = await api.get(`/api/v1/incidents?service=${service}&status=all&limit=1000`);
    for (const summary of body.incidents ?? []) {
      const { body: incident } = await api.get(`/api/v1/incidents/${summary.id}`);
      if (predicate(incident)) return incident;
    }
    return undefined;
  }, `an incident for ${service}`);
}

describe('PagerDuty Events API v2', () => {
  it('answers 202 as PagerDuty clients expect; acknowledge and resolve act on the incident; a new trigger after resolve opens a new one', async () => {
    const RUN = runId();
    const vars = { RUN, ROUTING_KEY };
    const trigger = await pd(fixture('pagerduty-trigger', vars));
    expect(trigger.status).toBe(202);
    expect(trigger.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: `ledger-lag-${RUN}` });
    const mine = (incident: any) => incident.alerts?.some((alert: any) => alert.key.endsWith(`/ledger-lag-${RUN}`));
    // custom_details.namespace=ledger → payments-ledger; warning → SEV3.
    const incident = await incidentFor('payments-ledger', mine);
    expect(incident).toMatchObject({ team: 'payments', severity: 'SEV3', reporter: 'events' });
    expect(incident.alerts[0]).toMatchObject({ summary: 'Ledger replication lag above 30s on payments-ledger-2', url: 'https://nagios.example.com/host/payments-ledger-2' });
    expect(incident.alerts[0].annotations).toEqual({
      summary: 'Ledger replication lag above 30s on payments-ledger-2',
      client_url: 'https://nagios.example.com/',
      link: 'Nagios host <https://nagios.example.com/host/payments-ledger-2>',
    });
    // A retry of the same trigger attaches (deliveries 2), on the other path too.
    expect((await pd(fixture('pagerduty-trigger', vars), '/api/v1/webhooks/events')).status).toBe(202);
    expect((await pd(fixture('pagerduty-acknowledge', vars))).body).toMatchObject({ status: 'success', dedup_key: `ledger-lag-${RUN}` });
    const acked = await eventually(async () => {
      const { body } = await api.get(`/api/v1/incidents/${incident.id}`);
      return body.acknowledgedAt && body.alerts[0].deliveries === 2 ? body : undefined;
    }, 'acknowledged');
    expect(acked.acknowledgedBy).toBe('events');
    // A second acknowledge is refused by the lifecycle, quietly.
    expect((await pd(fixture('pagerduty-acknowledge', vars))).status).toBe(202);
    expect((await pd(fixture('pagerduty-resolve', vars))).status).toBe(202);
    const resolved = await eventually(async () => {
      const { body } = await api.get(`/api/v1/incidents/${incident.id}`);
      return body.resolvedAt ? body : undefined;
    }, 'auto-resolved at SEV3');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', summary: 'Ledger replication lag above 30s on payments-ledger-2' });
    // The resolve carried no payload: the trigger's context stays.
    expect(resolved.alerts[0].annotations.link).toMatch(/payments-ledger-2/);
    expect(resolved.timeline.map((event: any) => event.type)).toContain('monitor-recovered');
    // Stale acknowledge and resolve after resolve: ignored.
    expect((await pd(fixture('pagerduty-acknowledge', vars))).status).toBe(202);
    expect((await pd(fixture('pagerduty-resolve', vars))).status).toBe(202);
    // A late retry of the first trigger (same payload.timestamp) is stale; the same key triggering anew opens a new incident.
    expect((await pd(fixture('pagerduty-trigger', vars))).status).toBe(202);
    const again = fixture('pagerduty-trigger', vars);
    again.payload.timestamp = new Date().toISOString();
    expect((await pd(again)).status).toBe(202);
    const second = await incidentFor('payments-ledger', (candidate) => mine(candidate) && candidate.id !== incident.id);
    expect(second.status).toBe('open');
    expect(second.acknowledgedAt).toBeUndefined();
  });

  it('generates a dedup key for a trigger without one and returns it; a retry lands on the same alert', async () => {
    const RUN = runId();
    const body = fixture('pagerduty-trigger-without-dedup-key', { RUN, ROUTING_KEY });
    const first = await pd(body);
    expect(first.status).toBe(202);
    expect(first.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    const retry = await pd(body);
    expect(retry.body.dedup_key).toBe(first.body.dedup_key);
    const resolve = await pd({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: first.body.dedup_key });
    expect(resolve.status).toBe(202);
  });

  it('a resolve that arrives before its trigger ends resolved', async () => {
    const RUN = runId();
    const vars = { RUN, ROUTING_KEY };
    const trigger = fixture('pagerduty-trigger', vars);
    trigger.payload.timestamp = new Date(Date.now() - 60_000).toISOString();
    expect((await pd(fixture('pagerduty-resolve', vars))).status).toBe(202);
    expect((await pd(trigger)).status).toBe(202);
    const incident = await incidentFor('payments-ledger', (candidate) => candidate.alerts?.some((alert: any) => alert.key.endsWith(`/ledger-lag-${RUN}`) && alert.status === 'resolved'));
    expect(incident.timeline.filter((event: any) => event.type === 'alert').map((event: any) => event.status)).toEqual(['firing', 'resolved']);
    expect(incident.resolvedAt).toBeTruthy();
  });

  it("refuses unknown routing keys with 401 and malformed events with 400 in PagerDuty's error shape", async () => {
    const unknown = await pd(fixture('pagerduty-trigger', { RUN: runId(), ROUTING_KEY: 'not-a-routing-key' }));
    expect(unknown.status).toBe(401);
    const noSummary = fixture('pagerduty-trigger', { RUN: runId(), ROUTING_KEY });
    delete noSummary.payload.summary;
    const invalid = await pd(noSummary);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid', errors: [expect.stringMatching(/payload\.summary/)] });
    expect(invalid.body.error.field).toBe('payload.summary');
    const badAction = await pd({ routing_key: ROUTING_KEY, event_action: 'explode', dedup_key: 'x' });
    expect(badAction.body.error.field).toBe('event_action');
    const resolveWithoutKey = await pd({ routing_key: ROUTING_KEY, event_action: 'resolve' });
    expect(resolveWithoutKey.body.error.field).toBe('dedup_key');
    const broken = await anonymous().send('POST', '/v2/enqueue', `{"routing_key": "${ROUTING_KEY}", `, { 'Content-Type': 'application/json' });
    expect(broken.status).toBe(401); // cannot tell who sent it: treated as unauthenticated
    const brokenWithToken = await apiClient(stack.url, ROUTING_KEY).send('POST', '/v2/enqueue', '{"routing_key": ', { 'Content-Type': 'application/json' });
    expect(brokenWithToken.status).toBe(400);
    expect(brokenWithToken.body.status).toBe('invalid event');
  });
});

describe('generic webhook and Datadog template', () => {
  it('accepts the generic shape, routing by its service field', async () => {
    const RUN = runId();
    const answer = await generic(fixture('generic-firing', { RUN }));
    expect(answer.status).toBe(202);
    const view = await incidentOfGroup(answer.body.groups[0], 1);
    const incident = (await api.get(`/api/v1/incidents/${view.incident!.id}`)).body;
    expect(incident).toMatchObject({ service: 'web-frontend', team: 'web', severity: 'SEV3', title: 'Synthetic check failing: login page' });
  });

  it('takes a Datadog template keyed by the alert cycle key; Recovered resolves; unroutable goes to the default team', async () => {
    const RUN = runId();
    const triggered = await generic(fixture('datadog-triggered', { RUN }));
    expect(triggered.status).toBe(202);
    const groupId = triggered.body.groups[0];
    const view = await incidentOfGroup(groupId, 1);
    const id = view.incident!.id;
    const incident = (await api.get(`/api/v1/incidents/${id}`)).body;
    expect(incident).toMatchObject({ team: 'platform', severity: 'SEV4' });
    expect(incident.summary).toMatch(/default team platform/);
    expect(incident.alerts[0]).toMatchObject({ key: `${RUN}7283061547723945`, labels: { monitor_id: '1234567', priority: 'P2' } });
    expect((await generic(fixture('datadog-recovered', { RUN }))).status).toBe(202);
    await eventually(async () => (await api.get(`/api/v1/incidents/${id}`)).body.resolvedAt, 'SEV4 resolves on recovery');
    const bad = await generic({ ...fixture('datadog-triggered', { RUN }), status: 'Exploded' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
  });

  it('answers 503 with Retry-After over the configured rate, and counts it', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i += 1) {
      const answer = await generic(fixture('generic-firing', { RUN: runId() }), '/api/v1/webhooks/generic/limited');
      statuses.push(answer.status);
      if (answer.status === 503) retryAfter = answer.headers.get('retry-after');
    }
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses).toContain(503);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(/marshal_intake_throttled_total\{integration="limited"\} [1-9]/);
    expect(metrics).toMatch(/marshal_intake_requests_total\{integration="limited",outcome="accepted"\} 2/);
  });
});

describe("heartbeats (dead man's switch)", () => {
  it('a missed ping opens an incident; the next ping records the recovery', async () => {
    const workflowId = heartbeatWorkflowId(WATCHED);
    // Armed at start; pinged once by the Watchdog alert, which is not itself an alert.
    const watchdog = await apiClient(stack.url, GENERIC_TOKEN).post(`/api/v1/webhooks/alertmanager/${WATCHED}`, fixture('alertmanager-watchdog', {}));
    expect(watchdog.status).toBe(202);
    expect(watchdog.body).toMatchObject({ alerts: 0, heartbeats: 1 });
    // Armed at start, it may have fired already; after this ping, the next miss opens a fresh incident.
    const pinged = await eventually(async () => {
      const view = await groupView(stack.client, workflowId);
      return view.pending === 0 && view.heartbeat?.lastPingAt && !view.heartbeat.missed ? view : undefined;
    }, 'the ping to be taken');
    const missed = await eventually(
      async () => {
        const view = await groupView(stack.client, workflowId);
        return view.pending === 0 && view.counts.incidentsOpened > pinged.counts.incidentsOpened && view.incident ? view : undefined;
      },
      'a missed heartbeat to open an incident',
      15_000,
    );
    const incident = (await api.get(`/api/v1/incidents/${missed.incident!.id}`)).body;
    expect(incident).toMatchObject({ title: `Missed heartbeat from ${WATCHED}`, service: 'kubernetes', team: 'platform', severity: 'SEV4' });
    expect(incident.alerts[0]).toMatchObject({ key: `heartbeat:${WATCHED}`, status: 'firing' });
    const ping = await apiClient(stack.url, GENERIC_TOKEN).post(`/api/v1/heartbeats/${WATCHED}`, {});
    expect(ping.status).toBe(202);
    const recovered = await eventually(async () => {
      const { body } = await api.get(`/api/v1/incidents/${missed.incident!.id}`);
      return body.timeline.some((event: any) => event.type === 'monitor-recovered') ? body : undefined;
    }, 'the heartbeat to recover');
    expect(recovered.resolvedAt).toBeTruthy();
    expect((await anonymous().post(`/api/v1/heartbeats/${WATCHED}`, {})).status).toBe(401);
  });
});

describe('PagerDuty change events', () => {
  const change = (body: unknown, token?: string) => apiClient(stack.url, token).send('POST', '/v2/change/enqueue', JSON.stringify(body), { 'Content-Type': 'application/json' });

  it("records a deploy on the open incidents of the routed service, its timeline and its postmortem draft's, without paging", async () => {
    const RUN = runId();
    const vars = { RUN, ROUTING_KEY };
    expect((await pd(fixture('pagerduty-trigger', vars))).status).toBe(202);
    const incident = await incidentFor('payments-ledger', (candidate) => candidate.alerts?.some((alert: any) => alert.key.endsWith(`/ledger-lag-${RUN}`)));
    const answer = await change(fixture('pagerduty-change', vars));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'success', message: 'Change event processed', service: 'payments-ledger' });
    expect(answer.body.incidents).toContain(incident.id);
    const after = await eventually(async () => {
      const { body } = await api.get(`/api/v1/incidents/${incident.id}`);
      return body.timeline.some((event: any) => event.type === 'change') ? body : undefined;
    }, 'the change on the timeline');
    const recorded = after.timeline.find((event: any) => event.type === 'change');
    expect(recorded).toMatchObject({
      summary: `Deploy ${RUN}: ledger-writer v2.14.0 rolled out to production`,
      service: 'payments-ledger',
      source: 'ledger-deploy-pipeline',
      occurredAt: '2026-03-02T13:05:00.000Z',
      integration: 'events',
      links: [{ href: 'https://ci.example.com/ledger/builds/2', text: 'Build 2 in CI' }],
      details: { namespace: 'ledger', build_state: 'passed' },
    });
    // A change is not an alert: no alert was added, no incident opened for it.
    expect(after.alerts).toHaveLength(incident.alerts.length);
    const draft = (await api.get(`/api/v1/incidents/${incident.id}/postmortem`)).body.draft as string;
    expect(draft).toContain(`Change to payments-ledger from ledger-deploy-pipeline: Deploy ${RUN}: ledger-writer v2.14.0 rolled out to production`);
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(/marshal_intake_changes_total\{integration="events",outcome="recorded"\} [1-9]/);
  });

  it('answers 202 with no incidents for a service nothing is open for, and one no rule places', async () => {
    const RUN = runId();
    const quiet = fixture('pagerduty-change', { RUN, ROUTING_KEY });
    quiet.payload.custom_details = { service: 'marketing-site' };
    const none = await change(quiet);
    expect(none.status).toBe(202);
    expect(none.body).toMatchObject({ status: 'success', service: 'marketing-site', incidents: [] });
    quiet.payload.custom_details = { team: 'nobody-knows' };
    const nowhere = await change(quiet);
    expect(nowhere.status).toBe(202);
    expect(nowhere.body).toEqual({ status: 'success', message: 'Change event processed', incidents: [] });
  });

  it('authenticates like /v2/enqueue and refuses hostile bodies with 400 naming the field, never 5xx', async () => {
    const good = () => fixture('pagerduty-change', { RUN: runId(), ROUTING_KEY });
    expect((await change({ ...good(), routing_key: 'not-a-routing-key' })).status).toBe(401);
    const admin = await change({ ...good(), routing_key: undefined }, stack.token);
    expect(admin.status).toBe(401);
    expect(admin.body.error.message).not.toMatch(/admin/i);
    // The integration's bearer token works as well as the routing key.
    expect((await change({ ...good(), routing_key: undefined }, ROUTING_KEY)).status).toBe(400);
    const cases: [string, (body: any) => void][] = [
      ['payload.summary', (body) => (body.payload.summary = 'deploy\u0000evil')],
      ['payload.source', (body) => (body.payload.source = 'pipe\ud800line')],
      ['payload.summary', (body) => (body.payload.summary = 'x'.repeat(5_000))],
      ['payload.summary', (body) => delete body.payload.summary],
      ['payload', (body) => (body.payload = 'a deploy')],
      ['payload.timestamp', (body) => (body.payload.timestamp = 'yesterday')],
      ['payload.custom_details', (body) => (body.payload.custom_details = ['a'])],
      ['links[0].href', (body) => (body.links = [{ href: 5 }])],
      ['links', (body) => (body.links = 'https://ci.example.com')],
      ['payload.custom_details.big', (body) => (body.payload.custom_details = { big: 'ok', ['k\u0000']: 1 })],
    ];
    for (const [field, spoil] of cases) {
      const body = good();
      spoil(body);
      const answer = await change(body);
      expect(answer.status, field).toBe(400);
      expect(answer.body.status).toBe('invalid event');
      expect(answer.body.error.field.startsWith(field.replace('.big', '')), `${field}: ${answer.body.error.field}`).toBe(true);
    }
    const huge = good();
    huge.payload.custom_details = { log: 'x'.repeat(600 * 1024) };
    expect((await change(huge)).status).toBe(413);
    expect((await change([good()])).status).toBe(401); // no routing_key to tell who sent it
    expect((await apiClient(stack.url, ROUTING_KEY).send('POST', '/v2/change/enqueue', '[1]', { 'Content-Type': 'application/json' })).status).toBe(400);
  });
});
