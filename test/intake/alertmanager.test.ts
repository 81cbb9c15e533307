/**
 * Alertmanager and Grafana webhooks over real HTTP on the dev server: a firing group opens one incident,
 * HA duplicates and repeats attach to it, recovery is recorded, truncation never resolves, routing and
 * grouping follow policy, and bad requests are refused with nothing recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import { grafanaSignature, signBody } from '../../server/intake/auth';
import { alertGroupWorkflowId } from '../../engine/alert-groups';
import { alertsSignal } from '../../workflows/alert-group-contract';
import type { alertGroup, AlertBatch } from '../../workflows/alert-group';
import { apiClient, startTestStack } from '../support/stack';
import { eventually, fixture, groupView, policyDirWith, runId, settledGroup } from './support';

const TOKEN = 'am-token-for-tests';
const GRAFANA_SECRET = 'grafana-hmac-secret';
process.env.TEST_INTAKE_AM_TOKEN = TOKEN;
process.env.TEST_INTAKE_GRAFANA_SECRET = GRAFANA_SECRET;
process.env.TEST_INTAKE_GRAFANA_USER = 'grafana';
process.env.TEST_INTAKE_GRAFANA_PASSWORD = 'basic-password-for-tests';
process.env.TEST_INTAKE_GRAFANA_HMAC = 'grafana-own-hmac-secret';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
const am = (body: unknown, token = TOKEN, path = '/api/v1/webhooks/alertmanager') =>
  apiClient(stack.url, token).send('POST', path, typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': 'application/json' });

beforeAll(async () => {
  const policyDir = policyDirWith(`
  alertmanager: { tokenEnv: TEST_INTAKE_AM_TOKEN }
  grafana: { hmacSecretEnv: TEST_INTAKE_GRAFANA_SECRET }
  events: { tokenEnv: TEST_INTAKE_UNUSED }
  am-by-service: { kind: alertmanager, tokenEnv: TEST_INTAKE_AM_TOKEN, groupBy: [alertname, service] }
  grafana-basic: { kind: grafana, basicAuth: { userEnv: TEST_INTAKE_GRAFANA_USER, passwordEnv: TEST_INTAKE_GRAFANA_PASSWORD } }
  grafana-signed: { kind: grafana, grafanaHmac: { secretEnv: TEST_INTAKE_GRAFANA_HMAC, timestampHeader: X-Grafana-Alerting-Timestamp } }
  grafana-signed-plain: { kind: grafana, grafanaHmac: { secretEnv: TEST_INTAKE_GRAFANA_HMAC, header: X-Signature } }
`);
  stack = await startTestStack({ policy: { kind: 'directory', dir: policyDir } });
  api = apiClient(stack.url, stack.token);
});
afterAll(async () => {
  await stack?.stop();
});

async function incidentOf(groupId: string, deliveries: number) {
  const view = await settledGroup(stack.client, groupId, deliveries);
  if (!view.incident) console.log(JSON.stringify(view, null, 1));
  expect(view.incident, 'the group holds an open incident').toBeTruthy();
  return view.incident!.id;
}

describe('Alertmanager webhook', () => {
  it('opens one incident for a firing group, attaches HA duplicates, records partial and full recovery', async () => {
    const RUN = runId();
    const firing = fixture('alertmanager-firing-group', { RUN });
    const first = await am(firing);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'accepted', alerts: 3, groups: [expect.stringMatching(/^alert-group-[0-9a-f]{32}$/)] });
    const groupId = first.body.groups[0];
    // Alertmanager HA: the peer sends the same notification again.
    expect((await am(firing)).status).toBe(202);
    const id = await incidentOf(groupId, 6);

    const incident = await eventually(async () => {
      const { body } = await api.get(`/api/v1/incidents/${id}`);
      return body.alerts?.length === 3 && body.alerts.every((alert: any) => alert.deliveries === 2) ? body : undefined;
    }, 'three alerts delivered twice each');
    // Distinct alerts with the same summary stay distinct (identity is the fingerprint).
    expect(new Set(incident.alerts.map((alert: any) => alert.key)).size).toBe(3);
    expect(incident.alerts.every((alert: any) => alert.summary === 'Checkout error rate above 5%')).toBe(true);
    // Routing: labels.service=checkout → checkout-api → payments; labels.severity=critical → SEV2.
    expect(incident).toMatchObject({ service: 'checkout-api', team: 'payments', severity: 'SEV2', status: 'open', reporter: 'alertmanager' });
    expect(incident.title).toBe('HighErrorRate: Checkout error rate above 5%');
    // The alert's context is kept per alert: its annotations and Alertmanager's generatorURL.
    const withRunbook = incident.alerts.find((alert: any) => alert.key === `${RUN}0a1b2c01`);
    expect(withRunbook.annotations).toEqual({
      summary: 'Checkout error rate above 5%',
      description: '5xx ratio is 7.2% on checkout-7d9f-abcde',
      runbook_url: 'https://runbooks.example.com/checkout/errors',
      generatorURL: firing.alerts[0].generatorURL,
    });
    // One event per change of an alert's state; the HA twin only counts as a delivery.
    expect(incident.timeline.filter((event: any) => event.type === 'alert')).toHaveLength(3);

    // Firing and resolved in one message: one alert recovers, the incident is not yet recovered.
    expect((await am(fixture('alertmanager-partly-resolved', { RUN }))).status).toBe(202);
    await settledGroup(stack.client, groupId, 9);
    const partly = (await api.get(`/api/v1/incidents/${id}`)).body;
    expect(partly.alerts.filter((alert: any) => alert.status === 'resolved')).toHaveLength(1);
    expect(partly.timeline.some((event: any) => event.type === 'monitor-recovered')).toBe(false);

    // Everything resolved: "monitor recovered"; SEV2 does not resolve itself, the responder is told.
    expect((await am(fixture('alertmanager-all-resolved', { RUN }))).status).toBe(202);
    const recovered = await eventually(async () => {
      const { body } = await api.get(`/api/v1/incidents/${id}`);
      return body.timeline.some((event: any) => event.type === 'monitor-recovered') ? body : undefined;
    }, 'monitor recovered');
    expect(recovered.status).toBe('open');
    expect(recovered.alerts.every((alert: any) => alert.status === 'resolved')).toBe(true);

    // A late duplicate of the original firing notification does not flip anything back.
    expect((await am(firing)).status).toBe(202);
    const after = await settledGroup(stack.client, groupId, 15);
    expect(after.counts.stale).toBe(3);
    expect(after.counts.incidentsOpened).toBe(1);
    expect((await api.get(`/api/v1/incidents/${id}`)).body.alerts.every((alert: any) => alert.status === 'resolved')).toBe(true);

    // Listed by service and team like any incident.
    const listed = (await api.get('/api/v1/incidents?service=checkout-api&team=payments&limit=1000')).body.incidents;
    expect(listed.some((summary: any) => summary.id === id)).toBe(true);
  });

  it('a truncated group never implies that the missing alerts resolved; auto-resolves only when all it knows recovered', async () => {
    const RUN = runId();
    const first = await am(fixture('alertmanager-truncated', { RUN }));
    expect(first.status).toBe(202);
    const groupId = first.body.groups[0];
    const id = await incidentOf(groupId, 2);
    const incident = (await api.get(`/api/v1/incidents/${id}`)).body;
    // labels.namespace=ledger → payments-ledger; warning → SEV3 (auto-resolves on recovery).
    expect(incident).toMatchObject({ service: 'payments-ledger', team: 'payments', severity: 'SEV3' });
    // A resolved message with truncatedAlerts: only the listed alert recovers.
    expect((await am(fixture('alertmanager-truncated-one-resolved', { RUN }))).status).toBe(202);
    const view = await settledGroup(stack.client, groupId, 3);
    expect(view.counts.truncatedAlerts).toBe(10);
    const after = (await api.get(`/api/v1/incidents/${id}`)).body;
    expect(after.alerts.map((alert: any) => alert.status).sort()).toEqual(['firing', 'resolved']);
    expect(after.status).toBe('open');
    expect(after.timeline.some((event: any) => event.type === 'monitor-recovered')).toBe(false);
  });

  it('keeps unicode labels and annotations intact, and marks an unroutable alert for the default team', async () => {
    const RUN = runId();
    const answer = await am(fixture('alertmanager-unicode', { RUN }));
    expect(answer.status).toBe(202);
    const id = await incidentOf(answer.body.groups[0], 1);
    const incident = (await api.get(`/api/v1/incidents/${id}`)).body;
    expect(incident.title).toBe('LatenzHoch: Latenz über 500 ms – Zürich → 東京 🚨');
    expect(incident.alerts[0].labels).toMatchObject({ région: '東京', équipe: 'plateforme' });
    expect(incident.team).toBe('platform');
    expect(incident.summary).toMatch(/No routing rule matched this alert; it went to the default team platform/);
  });

  it('groups by the configured rule (alertname + service) across Alertmanager groups', async () => {
    const RUN = runId();
    const firing = fixture('alertmanager-firing-group', { RUN });
    // Split the group into two messages with different Alertmanager group keys: one incident still.
    const one = { ...firing, groupKey: `${firing.groupKey}-a`, alerts: firing.alerts.slice(0, 1) };
    const two = { ...firing, groupKey: `${firing.groupKey}-b`, alerts: firing.alerts.slice(1) };
    const a = await am(one, TOKEN, '/api/v1/webhooks/alertmanager/am-by-service');
    const b = await am(two, TOKEN, '/api/v1/webhooks/alertmanager/am-by-service');
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.groups).toEqual(b.body.groups);
    const view = await settledGroup(stack.client, a.body.groups[0], 3);
    expect(view.group).toBe('alertname=HighErrorRate, service=checkout');
    expect(view.incident?.keys).toHaveLength(3);
    expect(view.counts.incidentsOpened).toBe(1);
  });

  it('an alert group continues as new before its history grows long, carrying its open incident and counts', async () => {
    const RUN = runId();
    const workflowId = `alert-group-test-${RUN}`;
    const batch = (i: number) => ({
      alerts: [
        { observation: { source: 'alertmanager', key: `${RUN}-${i % 3}`, status: 'firing' as const, summary: 'Queue depth high' }, action: 'trigger' as const, occurredAt: '2026-03-02T09:00:00Z' },
      ],
      declaration: { title: 'Queue depth high', severity: 'SEV4', reporter: 'alertmanager' },
      policy: stack.policies.incidentPolicy(),
      receivedAt: new Date().toISOString(),
    });
    const handle = await stack.client.workflow.signalWithStart<typeof alertGroup, [AlertBatch]>('alertGroup', {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [{ integration: 'alertmanager', group: 'continue-as-new', historyLimit: 40 }],
      signal: alertsSignal,
      signalArgs: [batch(0)],
    });
    for (let i = 1; i < 24; i += 1) {
      await stack.client.workflow.getHandle(workflowId).signal(alertsSignal, batch(i));
      if (i % 4 === 0) await settledGroup(stack.client, workflowId, i + 1);
    }
    const view = await settledGroup(stack.client, workflowId, 24);
    expect(view.counts).toMatchObject({ deliveries: 24, incidentsOpened: 1 });
    expect((await stack.client.workflow.getHandle(workflowId).describe()).runId).not.toBe(handle.signaledRunId);
    const incident = (await api.get(`/api/v1/incidents/${view.incident!.id}`)).body;
    expect(incident.alerts.map((alert: any) => alert.deliveries)).toEqual([8, 8, 8]);
  });

  it('refuses bad credentials with 401 and records nothing', async () => {
    const RUN = runId();
    const firing = fixture('alertmanager-firing-group', { RUN });
    const wrong = await am(firing, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const missing = await apiClient(stack.url, undefined).post('/api/v1/webhooks/alertmanager', firing);
    expect(missing.status).toBe(401);
    // The admin token is not an integration token.
    expect((await am(firing, stack.token)).status).toBe(401);
    // Nothing was recorded: the group workflow that a good request would use does not exist.
    const good = await am(fixture('alertmanager-firing-group', { RUN: runId() }));
    expect(good.status).toBe(202);
    const groupOfRefused = good.body.groups[0].replace(/.$/, (c: string) => (c === '0' ? '1' : '0'));
    await expect(groupView(stack.client, groupOfRefused)).rejects.toThrow();
  });

  it('answers 400 naming the problem for malformed or foreign bodies, 413 over 512 KB, never 5xx', async () => {
    const broken = await am('{"version": "4", "alerts": [');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const empty = await am('');
    expect(empty.status).toBe(400);
    const grafanaShape = fixture('grafana-firing', { RUN: runId() });
    const wrongVersion = await am(grafanaShape);
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.error).toMatchObject({ field: 'version' });
    const noLabels = fixture('alertmanager-firing-group', { RUN: runId() });
    delete noLabels.alerts[1].labels;
    const missing = await am(noLabels);
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('alerts[1].labels');
    const badStatus = fixture('alertmanager-firing-group', { RUN: runId() });
    badStatus.alerts[0].status = 'exploded';
    expect((await am(badStatus)).body.error.field).toBe('alerts[0].status');
    expect((await am([1, 2])).status).toBe(400);
    const huge = fixture('alertmanager-firing-group', { RUN: runId() });
    huge.commonAnnotations.description = 'x'.repeat(600 * 1024);
    const tooLarge = await am(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('too_large');
    expect((await am(fixture('alertmanager-firing-group', { RUN: runId() }), TOKEN, '/api/v1/webhooks/alertmanager/no-such')).status).toBe(404);
  });
});

describe('Grafana webhook with HMAC signatures', () => {
  const signed = (body: string, timestamp = Math.floor(Date.now() / 1000), secret = GRAFANA_SECRET) =>
    apiClient(stack.url, undefined).send('POST', '/api/v1/webhooks/grafana', body, {
      'Content-Type': 'application/json',
      'X-Marshal-Timestamp': String(timestamp),
      'X-Marshal-Signature': signBody(secret, timestamp, body),
    });

  it('accepts a correctly signed payload and routes by Grafana labels; recovery resolves nothing at SEV2', async () => {
    const RUN = runId();
    const body = JSON.stringify(fixture('grafana-firing', { RUN }));
    const answer = await signed(body);
    expect(answer.status).toBe(202);
    const id = await incidentOf(answer.body.groups[0], 1);
    const incident = (await api.get(`/api/v1/incidents/${id}`)).body;
    // source=grafana + labels.app=web-* → web-frontend → team web; critical → SEV2.
    expect(incident).toMatchObject({ service: 'web-frontend', team: 'web', severity: 'SEV2' });
    expect(incident.alerts[0].url).toBe('https://grafana.example.com/d/web-overview?orgId=1&viewPanel=4');
    const sent = fixture('grafana-firing', { RUN }).alerts[0];
    expect(incident.alerts[0].annotations).toMatchObject({
      summary: sent.annotations.summary,
      description: sent.annotations.description,
      generatorURL: sent.generatorURL,
      dashboardURL: sent.dashboardURL,
      panelURL: sent.panelURL,
      silenceURL: sent.silenceURL,
    });
    expect((await signed(JSON.stringify(fixture('grafana-resolved', { RUN })))).status).toBe(202);
    await eventually(async () => {
      const { body: after } = await api.get(`/api/v1/incidents/${id}`);
      return after.timeline.some((event: any) => event.type === 'monitor-recovered');
    }, 'monitor recovered');
  });

  it('refuses bad signatures, tampered bodies, replayed timestamps and unsigned requests with 401', async () => {
    const body = JSON.stringify(fixture('grafana-firing', { RUN: runId() }));
    expect((await signed(body, undefined, 'wrong-secret')).status).toBe(401);
    const timestamp = Math.floor(Date.now() / 1000);
    const tampered = await apiClient(stack.url, undefined).send('POST', '/api/v1/webhooks/grafana', body.replace('3.4%', '0.1%'), {
      'Content-Type': 'application/json',
      'X-Marshal-Timestamp': String(timestamp),
      'X-Marshal-Signature': signBody(GRAFANA_SECRET, timestamp, body),
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.message).toMatch(/signature does not match/);
    const replayed = await signed(body, timestamp - 6 * 60);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.message).toMatch(/replay window/);
    expect((await signed(body, timestamp + 6 * 60)).status).toBe(401);
    const unsigned = await apiClient(stack.url, undefined).send('POST', '/api/v1/webhooks/grafana', body, { 'Content-Type': 'application/json' });
    expect(unsigned.status).toBe(401);
  });
});

describe("Grafana's own authentication options and its Test button", () => {
  const post = (path: string, body: string, headers: Record<string, string>) => apiClient(stack.url, undefined).send('POST', path, body, { 'Content-Type': 'application/json', ...headers });
  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  it('accepts HTTP basic authentication with the configured user and password, and nothing else', async () => {
    const body = JSON.stringify(fixture('grafana-firing', { RUN: runId() }));
    const accepted = await post('/api/v1/webhooks/grafana/grafana-basic', body, basic('grafana', 'basic-password-for-tests'));
    expect(accepted.status).toBe(202);
    expect((await post('/api/v1/webhooks/grafana/grafana-basic', body, basic('grafana', 'wrong'))).status).toBe(401);
    expect((await post('/api/v1/webhooks/grafana/grafana-basic', body, basic('someone', 'basic-password-for-tests'))).status).toBe(401);
    expect((await post('/api/v1/webhooks/grafana/grafana-basic', body, { Authorization: 'Bearer basic-password-for-tests' })).status).toBe(401);
    const none = await post('/api/v1/webhooks/grafana/grafana-basic', body, {});
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/Basic/);
  });

  it("verifies Grafana's HMAC signature over timestamp and body, with its replay window", async () => {
    const body = JSON.stringify(fixture('grafana-firing', { RUN: runId() }));
    const secret = 'grafana-own-hmac-secret';
    const now = String(Math.floor(Date.now() / 1000));
    const signed = (timestamp: string, signedBody = body, key = secret) => ({
      'X-Grafana-Alerting-Signature': grafanaSignature(key, signedBody, timestamp),
      'X-Grafana-Alerting-Timestamp': timestamp,
    });
    const path = '/api/v1/webhooks/grafana/grafana-signed';
    expect((await post(path, body, signed(now))).status).toBe(202);
    expect((await post(path, body, signed(now, body, 'wrong-secret'))).status).toBe(401);
    const tampered = await post(path, body.replace('3.4%', '0.1%'), signed(now));
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.message).toMatch(/signature does not match/);
    expect((await post(path, body, signed(String(Number(now) - 6 * 60)))).status).toBe(401);
    // The timestamp header is required once configured: a body-only signature is refused.
    expect((await post(path, body, { 'X-Grafana-Alerting-Signature': grafanaSignature(secret, body) })).status).toBe(401);
    expect((await post(path, body, {})).status).toBe(401);
    // Without a timestamp header configured, Grafana signs the body alone, in the header it is told to use.
    const plain = '/api/v1/webhooks/grafana/grafana-signed-plain';
    expect((await post(plain, body, { 'X-Signature': grafanaSignature(secret, body) })).status).toBe(202);
    expect((await post(plain, body, { 'X-Grafana-Alerting-Signature': grafanaSignature(secret, body) })).status).toBe(401);
  });

  it('answers the contact point Test button with 200, opening no incident and paging nobody', async () => {
    const RUN = runId();
    const test = fixture('grafana-test-notification', { RUN });
    const body = JSON.stringify(test);
    const answer = await post('/api/v1/webhooks/grafana/grafana-basic', body, basic('grafana', 'basic-password-for-tests'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'test', integration: 'grafana-basic' });
    // Nothing was handed to an alert group: the group this message would have used does not exist.
    await expect(groupView(stack.client, alertGroupWorkflowId('grafana-basic', `group=${test.groupKey}`))).rejects.toThrow();
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(/marshal_intake_test_deliveries_total\{integration="grafana-basic"\} [1-9]/);
    expect(metrics).toMatch(/marshal_intake_requests_total\{integration="grafana-basic",outcome="test"\} [1-9]/);
    // The test still authenticates: a wrong password is refused like any delivery.
    expect((await post('/api/v1/webhooks/grafana/grafana-basic', body, basic('grafana', 'wrong'))).status).toBe(401);
    // A real alert that merely shares the name is not a test.
    const real = fixture('grafana-firing', { RUN });
    real.alerts[0].labels.alertname = 'TestAlert';
    const realAnswer = await post('/api/v1/webhooks/grafana/grafana-basic', JSON.stringify(real), basic('grafana', 'basic-password-for-tests'));
    expect(realAnswer.status).toBe(202);
  });
});
