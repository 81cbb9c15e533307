/**
 * A red-team pass over the console's routes landed with sign-in links, CLI login, signed Acknowledge links,
 * My pages and the details edit, attacked over real HTTP against a real stack: who may POST what from a
 * console session (the API's permissions must hold there too, and the writes be audited as the caller),
 * where secrets travel (request logs, Referer, caches), how many event streams one person may hold open,
 * and hostile values that must end as a 4xx page or a 400 naming the field, never a 500.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signInWithLink, type ConsoleClient } from '../support/console-client';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';

const SECRET = 'red-team-link-secret-red-team-link-secret';
let stack: TestStack;
let admin: ReturnType<typeof apiClient>;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  stack = await startTestStack({
    policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: 'http://127.0.0.1:9/', edit: { 'access.yaml': () => 'admins: [judy]\ncomms: [judy]\nviewers: [olivia]\n' } }) },
    linkSecret: SECRET,
    logger: pino({ level: 'info' }, sink),
  });
  admin = apiClient(stack.url, stack.token);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const signedIn = async (person: string): Promise<ConsoleClient> => {
  const issued = await admin.post('/api/v1/sign-in-links', { person });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return signInWithLink(stack.url, (issued.body as { url: string }).url);
};
const declare = async (title = 'Red team target') => {
  const declared = await admin.post('/api/v1/incidents', { title, severity: 'SEV3', team: 'payments' });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  return declared.body.id as string;
};
const trail = (filter: (entry: { action: string; actor: string; outcome: string; status?: number; target?: string }) => boolean) =>
  vi.waitFor(
    async () => {
      const found = (await stack.store!.audit.list({ limit: 500 })).filter(filter);
      if (found.length === 0) throw new Error('not in the audit trail yet');
      return found;
    },
    { timeout: 5_000, interval: 100 },
  );
const noTrace = (text: string) => expect(text).not.toMatch(/at \w+ \(|node_modules|Error:/);

describe('console permissions follow policy, as the API does', () => {
  it('a viewer cannot acknowledge, edit or resolve from the console (403, audited), and nothing changes', async () => {
    const id = await declare();
    const olivia = await signedIn('olivia');
    await olivia.get(`/console/incidents/${id}`);
    for (const [action, form] of [
      ['acknowledge', {}],
      ['details', { title: 'Renamed by a viewer' }],
      ['resolve', { summary: 'closed by a viewer' }],
    ] as const) {
      const answer = await olivia.post(`/console/incidents/${id}/${action}`, form);
      expect(answer.status, `${action}: ${answer.text.slice(0, 300)}`).toBe(403);
      expect(answer.text).toContain('viewers in config/access.yaml');
      noTrace(answer.text);
    }
    const incident = (await admin.get(`/api/v1/incidents/${id}`)).body;
    expect(incident.acknowledgedAt).toBeUndefined();
    expect(incident.title).toBe('Red team target');
    expect(incident.resolvedAt).toBeUndefined();
    await trail((entry) => entry.actor === 'olivia' && entry.outcome === 'denied' && entry.status === 403 && entry.target === `/console/incidents/${id}/acknowledge`);
    // A viewer may still declare, as in the API.
    const declared = await olivia.post('/console/incidents', { title: 'Declared by a viewer', severity: 'SEV4', team: 'payments' });
    expect(declared.status, declared.text.slice(0, 300)).toBe(303);
  });

  it("a responder cannot publish to the status page without the incident's role, nor change another team's overrides", async () => {
    const id = await declare('Publishing needs a role');
    const alice = await signedIn('alice');
    await alice.get(`/console/incidents/${id}`);
    const published = await alice.post(`/console/incidents/${id}/updates`, { status: 'investigating', message: 'We are looking into it.', public: 'true' });
    expect(published.status, published.text.slice(0, 300)).toBe(403);
    expect(published.text).toContain('commander or communications role');
    expect((await admin.get(`/api/v1/incidents/${id}`)).body.statusUpdates ?? []).toHaveLength(0);

    await alice.get('/console/oncall/platform');
    const from = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
    const to = new Date(Date.now() + 7_200_000).toISOString().slice(0, 16);
    const override = await alice.post('/console/oncall/platform/overrides', { person: 'alice', from, to, reason: 'not my team' });
    expect(override.status, override.text.slice(0, 300)).toBe(403);
    expect(override.text).toContain('may change only team payments');
    await trail((entry) => entry.actor === 'alice' && entry.outcome === 'denied' && entry.target === '/console/oncall/platform/overrides');
  });

  it('what a responder does from the console is audited as them', async () => {
    const id = await declare('Console writes are audited');
    const alice = await signedIn('alice');
    await alice.get(`/console/incidents/${id}`);
    expect((await alice.post(`/console/incidents/${id}/acknowledge`, {})).status).toBe(303);
    expect((await admin.get(`/api/v1/incidents/${id}`)).body.acknowledgedBy).toBe('alice');
    const [entry] = await trail((found) => found.target === `/console/incidents/${id}/acknowledge` && found.outcome === 'done');
    expect(entry).toMatchObject({ actor: 'alice', status: 303 });
  });
});
