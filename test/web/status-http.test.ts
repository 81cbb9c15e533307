/**
 * The public status page over real HTTP on a real Temporal dev server: states follow public updates, and
 * nothing internal leaks — declared with distinctive names and internal-only notes, none of them may
 * appear in /status or /api/v1/status, which answer without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import type { PublicStatus } from '../../server/web/status-model';
import { apiClient, startTestStack } from '../support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let anonymous: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url, stack.token);
  anonymous = apiClient(stack.url, undefined);
});
afterAll(async () => {
  await stack?.stop();
});

const SECRETS = {
  title: 'Ledger-Zebraquartz double posting',
  summary: 'Summary-Platypusnote from the on-call',
  reporter: 'Reporter Quixotely',
  acknowledger: 'Xanthippe Responderova',
  internalUpdate: 'Internal-Wombatnote: suspect the Tuesday migration',
  severityReason: 'Reason-Marmotline all ledgers',
  commander: 'rupert',
  communications: 'sybil',
  actionTitle: 'Action-Narwhalfix add ledger constraint',
  actionOwner: 'trent',
  resolution: 'Resolution-Ocelotfix reverted migration',
  postmortem: 'Postmortem-Capybaratext',
  otherSeverityPublic: 'Sev3-Axolotlmessage marked public',
};

const serviceState = (status: PublicStatus, id: string) => status.components.flatMap((component) => component.services).find((service) => service.id === id)?.state;

function keysOf(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => keysOf(item, keys));
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key);
      keysOf(inner, keys);
    }
  return keys;
}

describe('public status page', () => {
  it('answers without a token, groups services by component, and serves readable HTML', async () => {
    const json = await anonymous.get<PublicStatus>('/api/v1/status');
    expect(json.status).toBe(200);
    const names = json.body.components.map((component) => component.name);
    expect(names).toEqual(expect.arrayContaining(['Checkout', 'Payments', 'API', 'Website']));
    expect(json.body.components.find((component) => component.name === 'Payments')?.services.map((service) => service.id)).toEqual(['payments-ledger', 'fraud-scoring']);
    // A service without a component is not on the public page at all.
    expect(JSON.stringify(json.body)).not.toContain('kubernetes');
    expect(json.body.components[0].days).toHaveLength(90);

    const page = await anonymous.get<string>('/status');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.body).toContain('<meta name="viewport"');
    expect(page.body).not.toMatch(/<script/i);
    const css = await anonymous.get<string>('/status/marshal.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('follows public updates through Investigating → Monitoring → Resolved and never leaks anything internal', async () => {
    const declared = await api.post('/api/v1/incidents', { title: SECRETS.title, severity: 'SEV2', service: 'payments-ledger', summary: SECRETS.summary, reporter: SECRETS.reporter });
    expect(declared.status).toBe(201);
    const id: string = declared.body.id;
    const post = (path: string, body: object) => api.post(`/api/v1/incidents/${id}/${path}`, body).then((answer) => expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300));

    // Declared but nothing published: not on the page yet, the service still operational.
    let status = (await anonymous.get<PublicStatus>('/api/v1/status')).body;
    expect(status.activeIncidents.map((incident) => incident.id)).not.toContain(id);
    expect(serviceState(status, 'payments-ledger')).toBe('operational');

    // The draft customer message is plain language about the component, without internal facts.
    const draft = await api.get(`/api/v1/incidents/${id}/communications/draft`);
    expect(draft.body).toMatchObject({ status: 'investigating', components: ['Payments'], impact: 'partial_outage', publicStatusPage: true });
    expect(draft.body.message).toMatch(/investigating a partial outage affecting Payments/);
    expect(draft.body.message).toMatch(/within 1 hour/);

    await post('acknowledge', { by: SECRETS.acknowledger });
    await post('updates', { status: 'investigating', message: SECRETS.internalUpdate, by: SECRETS.acknowledger });
    await post('severity', { severity: 'SEV1', reason: SECRETS.severityReason, by: SECRETS.acknowledger });
    await post('roles', { role: 'commander', person: SECRETS.commander, by: SECRETS.acknowledger });
    await post('roles', { role: 'communications', person: SECRETS.communications, by: SECRETS.commander });
    await post('action-items', { title: SECRETS.actionTitle, owner: SECRETS.actionOwner });
    // Publishing the (edited) draft is a public status update.
    const published = (await api.get(`/api/v1/incidents/${id}/communications/draft`)).body.message as string;
    await post('updates', { status: 'investigating', message: published, public: true, by: SECRETS.communications });

    status = (await anonymous.get<PublicStatus>('/api/v1/status')).body;
    const active = status.activeIncidents.find((incident) => incident.id === id);
    expect(active).toMatchObject({ name: 'Major outage affecting Payments', impact: 'major_outage', status: 'investigating', components: ['Payments'], services: ['payments-ledger'] });
    expect(active!.updates).toEqual([{ status: 'investigating', label: 'Investigating', message: published, at: expect.any(String) }]);
    expect(serviceState(status, 'payments-ledger')).toBe('major_outage');
    expect(serviceState(status, 'fraud-scoring')).toBe('operational');
    expect(status.components.find((component) => component.name === 'Payments')?.state).toBe('major_outage');
    expect(['major_outage']).toContain(status.state);

    await post('updates', { status: 'monitoring', message: 'A fix is in place for Payments and we are watching it.', public: true, by: SECRETS.communications });
    status = (await anonymous.get<PublicStatus>('/api/v1/status')).body;
    expect(serviceState(status, 'payments-ledger')).toBe('degraded_performance');

    await post('resolve', { summary: SECRETS.resolution, by: SECRETS.commander });
    await post('postmortem', { markdown: `# ${SECRETS.postmortem}` });

    // A SEV3 update ticked public still stays off the page: SEV3 is not a public severity.
    const minor = await api.post('/api/v1/incidents', { title: 'Minor thing', severity: 'SEV3', service: 'fraud-scoring' });
    await api.post(`/api/v1/incidents/${minor.body.id}/updates`, { status: 'investigating', message: SECRETS.otherSeverityPublic, public: true });

    const json = await anonymous.get<PublicStatus>('/api/v1/status');
    const html = await anonymous.get<string>('/status');
    const past = json.body.pastIncidents.find((incident) => incident.id === id);
    expect(past?.updates.map((update) => update.status)).toEqual(['resolved', 'monitoring', 'investigating']);
    expect(past?.updates[0].message).toBe('This incident has been resolved.');
    expect(serviceState(json.body, 'payments-ledger')).toBe('operational');
    expect(json.body.components.find((component) => component.name === 'Payments')?.daysWithIncidents).toBeGreaterThanOrEqual(1);
    expect(html.body).toContain(published.replace(/'/g, '&#39;'));
    expect(html.body).toContain('Major outage affecting Payments');

    // The proof: not one internal string, in either form.
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(JSON.stringify(json.body), `${what} leaked into /api/v1/status`).not.toContain(secret);
      expect(html.body, `${what} leaked into /status`).not.toContain(secret);
      for (const word of secret.split(' ')) if (word.length > 8) expect(html.body.includes(word) || JSON.stringify(json.body).includes(word), `${what}: "${word}"`).toBe(false);
    }
    const keys = keysOf(json.body);
    for (const internal of ['by', 'roles', 'pages', 'alerts', 'actionItems', 'postmortem', 'timeline', 'public', 'summary_internal', 'reporter', 'title', 'team', 'severity']) {
      expect(keys.has(internal), `key "${internal}" in /api/v1/status`).toBe(false);
    }
  });

  it('lets the console and API serve the closing report and the improved postmortem draft', async () => {
    const { body } = await api.post('/api/v1/incidents', { title: 'Fraud scoring slow', severity: 'SEV2', service: 'fraud-scoring' });
    await api.post(`/api/v1/incidents/${body.id}/updates`, { status: 'identified', message: 'A deploy of the scoring model doubled latency' });
    await api.post(`/api/v1/incidents/${body.id}/resolve`, { summary: 'Rolled back the model deploy' });
    const report = await api.get(`/api/v1/incidents/${body.id}/report`);
    expect(report.status).toBe(200);
    for (const heading of ['## Issue summary', '## Impact', '## Timeline', '## Root cause', '## Recommendations', '## Next steps']) expect(report.body.markdown).toContain(heading);
    expect(report.body.markdown).toContain('A deploy of the scoring model doubled latency');
    const postmortem = await api.get(`/api/v1/incidents/${body.id}/postmortem`);
    expect(postmortem.body.draft).toContain('### Deployment verification');
    expect(postmortem.body.draft).toContain('"Rolled back the model deploy" (resolution)');
    expect((await anonymous.get(`/api/v1/incidents/${body.id}/report`)).status).toBe(401);
    expect((await api.get('/api/v1/incidents/zzzzzzzzzz/communications/draft')).status).toBe(404);
  });
});
