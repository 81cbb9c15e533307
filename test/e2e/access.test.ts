/**
 * People, not a shared token: each caller is a principal (no credential, a wrong one, the admin token, a
 * viewer, a responder of another team, a responder of the team, an admin person, an intake credential, a
 * service token) and every route answers each as the permissions in policy say. The actor is the caller,
 * revocation takes effect on the next request, and the audit trail shows each of these.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let receiver: WebhookReceiver;
const ACCESS = 'admins: [judy]\ncomms: [judy]\nviewers: [olivia]\n';
const INTAKE_TOKEN = 'intake-credential-for-access-test';

type Who = 'none' | 'wrong' | 'admin-token' | 'viewer' | 'other-team' | 'team' | 'admin' | 'intake' | 'service';
const clients = {} as Record<Who, ReturnType<typeof apiClient>>;
const tokens = {} as Record<string, { token: string; id: string }>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  process.env.MARSHAL_ALERTMANAGER_TOKEN = INTAKE_TOKEN;
  stack = await startTestStack({ policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: receiver.url, edit: { 'access.yaml': () => ACCESS } }) } });
  const admin = apiClient(stack.url, stack.token);
  for (const person of ['olivia', 'alice', 'mallory', 'judy']) {
    const issued = await admin.post('/api/v1/tokens', { person, name: `${person}'s laptop` });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    tokens[person] = { token: issued.body.token, id: issued.body.id };
  }
  const service = await admin.post('/api/v1/tokens', { service: 'ci-bot', scopes: ['view', 'declare'], name: 'deploy pipeline' });
  expect(service.status).toBe(201);
  Object.assign(clients, {
    none: apiClient(stack.url, undefined),
    wrong: apiClient(stack.url, 'mrsh_000000000000_' + 'x'.repeat(43)),
    'admin-token': admin,
    viewer: apiClient(stack.url, tokens.olivia.token),
    'other-team': apiClient(stack.url, tokens.alice.token),
    team: apiClient(stack.url, tokens.mallory.token),
    admin: apiClient(stack.url, tokens.judy.token),
    intake: apiClient(stack.url, INTAKE_TOKEN),
    service: apiClient(stack.url, service.body.token),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const everyone: Who[] = ['none', 'wrong', 'admin-token', 'viewer', 'other-team', 'team', 'admin', 'intake', 'service'];
const override = () => ({ person: 'peggy', from: new Date(Date.now() + 3600_000).toISOString(), to: new Date(Date.now() + 7200_000).toISOString(), reason: 'cover' });

describe('every route answers each principal as policy says', () => {
  it('the matrix', async () => {
    const incident = (await clients['admin-token'].post('/api/v1/incidents', { title: 'Access matrix', severity: 'SEV3', team: 'platform' })).body.id as string;
    const unauthenticated = { none: 401, wrong: 401, intake: 401 };
    const deviceCode = (await clients.none.post('/api/v1/cli-login', { host: 'matrix' })).body.deviceCode as string;
    const cases: { route: string; call: (client: ReturnType<typeof apiClient>) => Promise<{ status: number }>; expect: Partial<Record<Who, number>> }[] = [
      { route: 'GET /incidents', call: (c) => c.get('/api/v1/incidents'), expect: { ...unauthenticated, 'admin-token': 200, viewer: 200, 'other-team': 200, team: 200, admin: 200, service: 200 } },
      {
        route: 'GET /incidents/:id',
        call: (c) => c.get(`/api/v1/incidents/${incident}`),
        expect: { ...unauthenticated, 'admin-token': 200, viewer: 200, 'other-team': 200, team: 200, admin: 200, service: 200 },
      },
      {
        route: 'POST /incidents',
        call: (c) => c.post('/api/v1/incidents', { title: 'Declared by anyone signed in', severity: 'SEV4', team: 'platform' }),
        expect: { ...unauthenticated, 'admin-token': 201, viewer: 201, 'other-team': 201, team: 201, admin: 201, service: 201 },
      },
      {
        route: 'POST /incidents/:id/updates (internal)',
        call: (c) => c.post(`/api/v1/incidents/${incident}/updates`, { status: 'investigating', message: 'looking' }),
        expect: { ...unauthenticated, 'admin-token': 200, viewer: 403, 'other-team': 200, team: 200, admin: 200, service: 403 },
      },
      {
        route: 'POST /incidents/:id/updates (public)',
        call: (c) => c.post(`/api/v1/incidents/${incident}/updates`, { status: 'investigating', message: 'public note', public: true }),
        expect: { ...unauthenticated, 'admin-token': 200, viewer: 403, 'other-team': 403, team: 403, admin: 200, service: 403 },
      },
      {
        route: 'POST /oncall/platform/overrides',
        call: (c) => c.post('/api/v1/oncall/platform/overrides', override()),
        expect: { ...unauthenticated, 'admin-token': 201, viewer: 403, 'other-team': 403, team: 201, admin: 201, service: 403 },
      },
      {
        route: 'POST /policies/reload',
        call: (c) => c.post('/api/v1/policies/reload', {}),
        expect: { ...unauthenticated, 'admin-token': 200, viewer: 403, 'other-team': 403, team: 403, admin: 200, service: 403 },
      },
      { route: 'GET /audit', call: (c) => c.get('/api/v1/audit'), expect: { ...unauthenticated, 'admin-token': 200, viewer: 403, 'other-team': 403, team: 403, admin: 200, service: 403 } },
      { route: 'GET /metrics', call: (c) => c.get('/metrics'), expect: { ...unauthenticated, 'admin-token': 200, viewer: 200, 'other-team': 200, team: 200, admin: 200, service: 200 } },
      {
        route: 'POST /sign-in-links',
        call: (c) => c.post('/api/v1/sign-in-links', { person: 'mallory' }),
        expect: { ...unauthenticated, 'admin-token': 201, viewer: 403, 'other-team': 403, team: 403, admin: 201, service: 403 },
      },
      // `marshal login` has no credential yet: both routes answer everyone alike, whatever token comes along.
      { route: 'POST /cli-login', call: (c) => c.post('/api/v1/cli-login', { host: 'matrix' }), expect: Object.fromEntries(everyone.map((who) => [who, 201])) },
      { route: 'POST /cli-login/token (pending)', call: (c) => c.post('/api/v1/cli-login/token', { deviceCode }), expect: Object.fromEntries(everyone.map((who) => [who, 202])) },
      {
        route: 'POST /cli-login/token (unknown)',
        call: (c) => c.post('/api/v1/cli-login/token', { deviceCode: 'A'.repeat(43) }),
        expect: Object.fromEntries(everyone.map((who) => [who, 400])),
      },
    ];
    const got: Record<string, Partial<Record<Who, number>>> = {};
    const wanted: Record<string, Partial<Record<Who, number>>> = {};
    for (const { route, call, expect: answers } of cases) {
      got[route] = {};
      wanted[route] = answers;
      for (const who of everyone) got[route][who] = (await call(clients[who])).status;
    }
    expect(got).toEqual(wanted);
  });

  it('publishing follows the incident role: the commander may, once assigned', async () => {
    const id = (await clients.team.post('/api/v1/incidents', { title: 'Commander publishes', severity: 'SEV3', team: 'platform' })).body.id;
    const publish = () => clients.team.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'we know', public: true });
    expect((await publish()).status).toBe(403);
    expect((await clients.team.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'mallory' })).status).toBe(200);
    expect((await publish()).status).toBe(200);
  });
});

describe('the actor is the caller', () => {
  it('records the token holder whatever the body claims, and refuses a body naming someone else', async () => {
    const id = (await clients['other-team'].post('/api/v1/incidents', { title: 'Who acknowledged?', severity: 'SEV4', team: 'payments' })).body;
    expect(id.reporter).toBe('alice');
    const claimed = await clients['other-team'].post(`/api/v1/incidents/${id.id}/acknowledge`, { by: 'the-cto' });
    expect(claimed.status).toBe(403);
    expect(claimed.body.error.field).toBe('by');
    const acked = await clients['other-team'].post(`/api/v1/incidents/${id.id}/acknowledge`, {});
    expect(acked.body.acknowledgedBy).toBe('alice');
    const reporter = await clients.team.post('/api/v1/incidents', { title: 'x', severity: 'SEV4', team: 'platform', reporter: 'the-cto' });
    expect(reporter.status).toBe(403);
    expect(reporter.body.error.field).toBe('reporter');
  });

  it('a revoked token fails on its next use; tokens are issued only for yourself unless admin', async () => {
    const mine = await clients.team.post('/api/v1/tokens', { name: 'script' });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ person: 'mallory', kind: 'person' });
    expect((await clients.team.post('/api/v1/tokens', { name: 'for alice', person: 'alice' })).status).toBe(403);
    expect((await clients.team.post('/api/v1/tokens', { name: 'bot', service: 'bot', scopes: ['view'] })).status).toBe(403);
    const script = apiClient(stack.url, mine.body.token);
    expect((await script.get('/api/v1/incidents')).status).toBe(200);
    const listed = (await clients.team.get('/api/v1/tokens')).body.tokens as { id: string; person: string }[];
    expect(listed.every((token) => token.person === 'mallory')).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(mine.body.token);
    // Someone else's token is not theirs to revoke (nor to learn of).
    expect((await clients['other-team'].send('DELETE', `/api/v1/tokens/${mine.body.id}`)).status).toBe(404);
    expect((await clients.team.send('DELETE', `/api/v1/tokens/${mine.body.id}`)).status).toBe(200);
    expect((await script.get('/api/v1/incidents')).status).toBe(401);
  });

  it('refuses hostile token requests with 400 naming the field', async () => {
    for (const [body, field] of [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(500) }, 'name'],
      [{ name: 'ok', person: 'nobody-here' }, 'person'],
      [{ name: 'ok', expiresInDays: 10_000 }, 'expiresInDays'],
      [{ name: 'ok', service: 'bot', scopes: ['root'] }, 'scopes'],
      [{ name: 'a\u0000b' }, 'name'],
    ] as [object, string][]) {
      const answer = await clients['admin-token'].post('/api/v1/tokens', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field).toBe(field);
    }
  });
});

describe('the audit trail', () => {
  it('shows writes, refusals, failed sign-ins and token issue and revocation, with who and which token', async () => {
    await clients.wrong.get('/api/v1/incidents');
    await clients['other-team'].post('/api/v1/oncall/platform/overrides', override());
    type Entry = { actor: string; action: string; outcome: string; status?: number; tokenId?: string; remote?: string };
    // The trail is written as each answer goes out: wait until the last one is in.
    const events = await vi.waitFor(
      async () => {
        const listed = (await clients.admin.get('/api/v1/audit?limit=1000')).body.events as Entry[];
        if (!listed.some((event) => event.actor === 'alice' && event.outcome === 'denied')) throw new Error('not yet in the trail');
        return listed;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(events.some((event) => event.action === 'sign-in' && event.outcome === 'failed' && event.status === 401)).toBe(true);
    // Refused before any route matched: recorded under the path it asked for.
    const denied = events.find((event) => event.actor === 'alice' && event.action === 'POST /api/v1/oncall/platform/overrides' && event.outcome === 'denied');
    expect(denied).toMatchObject({ status: 403, tokenId: tokens.alice.id });
    expect(denied!.remote).toBeTruthy();
    expect(events.some((event) => event.action === 'POST /api/v1/tokens' && event.outcome === 'done')).toBe(true);
    expect(events.some((event) => event.actor === 'mallory' && event.action === 'DELETE /api/v1/tokens/:id' && event.outcome === 'done')).toBe(true);
    expect(events.some((event) => event.actor === 'judy' && event.action === 'POST /api/v1/policies/reload')).toBe(true);
    // Paged back by keyset and filtered by action; hostile paging values are a 400 naming them.
    const first = (await clients.admin.get('/api/v1/audit?limit=2')).body.events as (Entry & { id: number })[];
    const older = (await clients.admin.get(`/api/v1/audit?limit=2&before=${first[1].id}`)).body.events as (Entry & { id: number })[];
    expect(older[0].id).toBeLessThan(first[1].id);
    const reloads = (await clients.admin.get(`/api/v1/audit?action=${encodeURIComponent('POST /api/v1/policies/reload')}`)).body.events as Entry[];
    expect(reloads.length).toBeGreaterThan(0);
    expect(reloads.every((event) => event.action === 'POST /api/v1/policies/reload')).toBe(true);
    for (const query of ['before=abc', 'before=0', 'action=', `actor=${'x'.repeat(300)}`]) {
      const answer = await clients.admin.get(`/api/v1/audit?${query}`);
      expect(answer.status, query.slice(0, 20)).toBe(400);
      expect(answer.body.error.field).toBe(query.split('=')[0]);
    }
  });
});
