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
import { signActionLink } from '../../common/action-links';
import { signInWithAdminToken, signInWithLink, type ConsoleClient } from '../support/console-client';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import type { AuditEntry } from '../../store/access';
import { auditEntries, noTrace } from '../support/audit';

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
const trail = (filter: (entry: AuditEntry) => boolean) => auditEntries(stack.store!.audit, filter);

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
    // Express matches routes without regard to case: so must the check.
    for (const path of [`/console/INCIDENTS/${id}/acknowledge`, `/console/Incidents/${id}/acknowledge`, `/console/incidents/${id}/ACKNOWLEDGE`]) {
      const answer = await olivia.post(path, {});
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
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
    expect((await alice.post('/console/OnCall/platform/overrides', { person: 'alice', from, to, reason: 'not my team' })).status).toBe(403);
    await trail((entry) => entry.actor === 'alice' && entry.outcome === 'denied' && entry.target === '/console/oncall/platform/overrides');
  });

  it('what a responder does from the console is audited as them', async () => {
    const id = await declare('Console writes are audited');
    const alice = await signedIn('alice');
    await alice.get(`/console/incidents/${id}`);
    expect((await alice.post(`/console/incidents/${id}/acknowledge`, {})).status).toBe(303);
    expect((await admin.get(`/api/v1/incidents/${id}`)).body.acknowledgedBy).toBe('alice');
    const [entry] = await trail((found) => found.target === `/console/incidents/${id}/acknowledge` && found.outcome === 'done');
    expect(entry).toMatchObject({ actor: 'alice', principal: 'console', status: 303 });
    // The admin token's session may name anyone at sign-in; the trail says which credential it was.
    const other = await declare('Admin token under a typed name');
    const typed = await signInWithAdminToken(stack.url, stack.token, 'alice');
    await typed.get(`/console/incidents/${other}`);
    expect((await typed.post(`/console/incidents/${other}/acknowledge`, {})).status).toBe(303);
    const [byToken] = await trail((found) => found.target === `/console/incidents/${other}/acknowledge` && found.outcome === 'done');
    expect(byToken).toMatchObject({ actor: 'alice', principal: 'admin-token' });
    // So do the entries the routes write themselves (a sign-in link issued), not only the general one.
    await typed.get('/console/sign-in-links');
    expect((await typed.post('/console/sign-in-links', { person: 'bob' })).status).toBe(200);
    const [issued] = await trail((found) => found.action === 'sign-in link issued' && found.detail?.person === 'bob');
    expect(issued).toMatchObject({ actor: 'alice', principal: 'admin-token' });
  });
});

describe('where secrets travel', () => {
  it("a sign-in link's secret stays out of the request log, and its pages send no Referer and are not cached", async () => {
    const issued = await admin.post('/api/v1/sign-in-links', { person: 'carol' });
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const url = (issued.body as { url: string }).url;
    const secret = url.split('/').pop()!;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    await signInWithLink(stack.url, url);
    // A second, refused use is logged too, in whatever case its path is written (Express routes it alike).
    expect((await fetch(url)).status).toBe(410);
    expect((await fetch(url.replace('/console/sign-in/', '/CONSOLE/Sign-In/'))).status).toBe(410);
    await vi.waitFor(() => expect(logLines.join('')).toContain('"route":"/console/sign-in/:secret"'), { timeout: 5_000 });
    const leaks = logLines.filter((line) => line.includes(secret));
    expect(leaks).toEqual([]);
    const trailText = JSON.stringify(await stack.store!.audit.list({ limit: 500 }));
    expect(trailText).not.toContain(secret);
  });

  it("an Acknowledge link's confirmation sends no Referer, is not cached, and its token reaches neither the log nor the trail", async () => {
    const id = await declare('Referer from a signed link');
    const token = await signActionLink(SECRET, { purpose: 'acknowledge', personId: 'alice', incidentId: id });
    const confirm = await fetch(`${stack.url}/console/ack?t=${token}`);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get('referrer-policy')).toBe('no-referrer');
    expect(confirm.headers.get('cache-control')).toBe('no-store');
    const done = await fetch(`${stack.url}/console/ack`, { method: 'POST', body: new URLSearchParams({ t: token }) });
    expect(done.status).toBe(200);
    expect(done.headers.get('referrer-policy')).toBe('no-referrer');
    await trail((entry) => entry.action === 'acknowledge' && entry.target === `/api/v1/incidents/${id}` && entry.outcome === 'done');
    const signature = token.split('.')[1];
    expect(logLines.join('')).not.toContain(signature);
    expect(JSON.stringify(await stack.store!.audit.list({ limit: 500 }))).not.toContain(signature);
  });

  it("a CLI login's token answer is not cached", async () => {
    const started = await fetch(`${stack.url}/api/v1/cli-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ host: 'red-team-laptop' }) });
    expect(started.status).toBe(201);
    expect(started.headers.get('cache-control')).toBe('no-store');
    const { deviceCode } = (await started.json()) as { deviceCode: string };
    const polled = await fetch(`${stack.url}/api/v1/cli-login/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceCode }) });
    expect(polled.status).toBe(202);
    expect(polled.headers.get('cache-control')).toBe('no-store');
  });
});

describe('event streams', () => {
  it("one person's event streams are bounded: past the limit a new one is refused with 429, and a closed one frees its place", async () => {
    const dan = await signedIn('dan');
    const open: AbortController[] = [];
    const stream = async (path: string) => {
      const controller = new AbortController();
      const response = await fetch(`${stack.url}${path}`, { headers: { cookie: dan.cookie }, signal: controller.signal });
      if (response.status === 200) open.push(controller);
      else controller.abort();
      return response;
    };
    try {
      const id = await declare('Streams are bounded');
      const answers: number[] = [];
      for (let index = 0; index < 12; index += 1) answers.push((await stream(index % 2 ? '/console/mine/events' : `/console/incidents/${id}/events`)).status);
      expect(answers.filter((status) => status === 200)).toHaveLength(10);
      expect(answers.slice(10)).toEqual([429, 429]);
      // Closing one lets the next in.
      open.shift()!.abort();
      await vi.waitFor(async () => expect((await stream('/console/mine/events')).status).toBe(200), { timeout: 5_000, interval: 200 });
      // Another person is not held back by dan's streams.
      const erin = await signedIn('erin');
      const theirs = new AbortController();
      const response = await fetch(`${stack.url}/console/mine/events`, { headers: { cookie: erin.cookie }, signal: theirs.signal });
      expect(response.status).toBe(200);
      theirs.abort();
    } finally {
      for (const controller of open) controller.abort();
    }
  });

  it("a signed-out session's event stream is refused, and one cannot read another person's inbox stream", async () => {
    const frank = await signedIn('frank');
    await frank.get('/console/mine');
    // A stream open when frank signs out ends within a heartbeat, telling the page so.
    const open = await fetch(`${stack.url}/console/mine/events`, { headers: { cookie: frank.cookie } });
    expect(open.status).toBe(200);
    const reader = open.body!.getReader();
    await reader.read();
    expect((await frank.post('/console/logout', {})).status).toBe(303);
    let received = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += new TextDecoder().decode(chunk.value);
    expect(received).toContain('event: ended');
    await frank.post('/console/logout', {});
    const after = await fetch(`${stack.url}/console/mine/events`, { headers: { cookie: frank.cookie }, redirect: 'manual' });
    expect(after.status).toBe(303);
    // The inbox stream takes no person from the request: a query naming someone else changes nothing.
    const grace = await signedIn('grace');
    const controller = new AbortController();
    const response = await fetch(`${stack.url}/console/mine/events?person=alice`, { headers: { cookie: grace.cookie }, signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
  });
});

describe('hostile values', () => {
  const form = (body: string) => fetch(`${stack.url}/console/ack`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  it('the Acknowledge link route answers hostile tokens with a 4xx page, never a 500 or a trace', async () => {
    for (const query of ['t=%C3%28', 't=%00', 't=a&t=b', 't[__proto__]=x', '__proto__=x', `t=${'A'.repeat(100_000)}`, 't=%E0%A4%A']) {
      const answer = await fetch(`${stack.url}/console/ack?${query}`);
      expect(answer.status, query.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(answer.status, query.slice(0, 40)).toBeLessThan(500);
      noTrace(await answer.text());
    }
    for (const body of ['t=%C3%28', 't=a&t=b', '__proto__=x&t=y', 'constructor=1', `t=${'x'.repeat(1_100_000)}`]) {
      const answer = await form(body);
      expect(answer.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(answer.status, body.slice(0, 40)).toBeLessThan(500);
      noTrace(await answer.text());
    }
  });

  it('the sign-in link and CLI login APIs answer hostile bodies with a 400 naming the field', async () => {
    for (const person of [['alice'], '__proto__', 'constructor', 'toString', 'alice\u0000', { id: 'alice' }, 'x'.repeat(200_000)]) {
      const answer = await admin.post('/api/v1/sign-in-links', { person });
      expect(answer.status, JSON.stringify(person).slice(0, 40)).toBe(400);
      expect(answer.body.error.field).toBe('person');
    }
    const anonymous = apiClient(stack.url, undefined);
    for (const host of [['laptop'], { name: 'x' }, 'a\u0000b', '\ud800', 'h'.repeat(101), 42]) {
      const answer = await anonymous.post('/api/v1/cli-login', { host });
      expect(answer.status, JSON.stringify(host)).toBe(400);
      expect(answer.body.error.field).toBe('host');
    }
    for (const deviceCode of [['x'], 12, '__proto__', 'A'.repeat(43) + '\u0000']) {
      const answer = await anonymous.post('/api/v1/cli-login/token', { deviceCode });
      expect(answer.status, JSON.stringify(deviceCode)).toBe(400);
      expect(answer.body.error.field).toBe('deviceCode');
    }
    const notJson = await anonymous.post('/api/v1/cli-login', '{"host":');
    expect(notJson.status).toBe(400);
    const huge = await anonymous.post('/api/v1/cli-login', JSON.stringify({ host: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    const proto = await anonymous.post('/api/v1/cli-login', '{"__proto__":{"host":"polluted"},"host":"fine"}');
    expect(proto.status).toBe(201);
    expect(({} as Record<string, unknown>).host).toBeUndefined();
  });

  it('the CLI-login approval page refuses hostile codes with a page, and person-controlled text is escaped', async () => {
    const henry = await signedIn('heidi');
    for (const code of ['%C3%28', '%00', 'a&code=b', `${'B'.repeat(5_000)}`, '__proto__']) {
      const answer = await henry.get(`/console/cli-login?code=${code}`);
      expect(answer.status, code.slice(0, 20)).toBeGreaterThanOrEqual(400);
      expect(answer.status, code.slice(0, 20)).toBeLessThan(500);
      noTrace(answer.text);
    }
    const anonymous = apiClient(stack.url, undefined);
    const started = await anonymous.post('/api/v1/cli-login', { host: '<img src=x onerror=alert(1)>' });
    expect(started.status).toBe(201);
    const page = await henry.get(`/console/cli-login?code=${started.body.userCode}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&#60;img src=x');
  });
});

describe('forms and redirects', () => {
  it('sign-in sends nobody to another site, whatever `next` says', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/console/../..//evil.example', '/console\\@evil.example', '/console%0d%0aSet-Cookie:x=1', '/consolex', 'javascript:alert(1)']) {
      const login = await fetch(`${stack.url}/console/login?next=${encodeURIComponent(next)}`);
      const page = await login.text();
      const challenge = /name="_login" value="([^"]*)"/.exec(page)?.[1] ?? '';
      const cookie = login.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      const answer = await fetch(`${stack.url}/console/login`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _login: challenge, name: 'Red Team', token: stack.token, next }),
        redirect: 'manual',
      });
      expect(answer.status, next).toBe(303);
      const location = answer.headers.get('location')!;
      expect(location, next).toMatch(/^\/console(?:[/?]|$)/);
      expect(location, next).not.toMatch(/^\/\/|\\|[\r\n]/);
    }
  });

  it('console POSTs landed today need the session CSRF token', async () => {
    const ivan = await signedIn('ivan');
    const anonymous = apiClient(stack.url, undefined);
    const started = await anonymous.post('/api/v1/cli-login', { host: 'forged-approval' });
    const code = started.body.userCode as string;
    for (const [path, form] of [
      [`/console/cli-login?code=${code}&decision=allow`, {}],
      ['/console/tokens', { name: 'forged' }],
      ['/console/sign-in-links', { person: 'ivan' }],
    ] as const) {
      const forged = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { cookie: ivan.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
        redirect: 'manual',
      });
      expect(forged.status, path).toBe(403);
      expect(await forged.text()).toContain('CSRF');
    }
    expect((await anonymous.post('/api/v1/cli-login/token', { deviceCode: started.body.deviceCode })).status).toBe(202);
  });

  it('an Acknowledge link sent twice at once acknowledges once', async () => {
    const id = await declare('Two presses at once');
    const token = await signActionLink(SECRET, { purpose: 'acknowledge', personId: 'bob', incidentId: id });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`${stack.url}/console/ack`, { method: 'POST', body: new URLSearchParams({ t: token }) }).then((response) => response.status)),
    );
    expect(answers.filter((status) => status === 200)).toHaveLength(1);
    expect(answers.filter((status) => status !== 200).every((status) => status === 410 || status === 409)).toBe(true);
    expect((await admin.get(`/api/v1/incidents/${id}`)).body.acknowledgedBy).toBe('bob');
  });
});

describe('API routes whatever the case of their path', () => {
  it("a responder's token cannot reach admin routes or another team's overrides by changing the path's case", async () => {
    const issued = await admin.post('/api/v1/tokens', { person: 'alice', name: 'red team' });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const alice = apiClient(stack.url, issued.body.token as string);
    expect((await alice.get('/api/v1/audit')).status).toBe(403);
    for (const path of ['/API/V1/AUDIT', '/api/v1/Audit', '/Api/v1/audit?limit=5', '/api/v1/audit/', '/api/v1//audit', '/api/v1/%61udit']) {
      const answer = await alice.get(path);
      // Refused, or (for a path no route matches) not found: never the trail.
      expect([403, 404], path).toContain(answer.status);
      expect(JSON.stringify(answer.body)).not.toContain('"entries"');
    }
    for (const path of ['/API/V1/SIGN-IN-LINKS', '/api/v1/Sign-In-Links']) {
      const answer = await alice.post(path, { person: 'judy' });
      expect(answer.status, path).toBe(403);
      expect(JSON.stringify(answer.body)).not.toContain('/console/sign-in/');
    }
    for (const path of ['/api/v1/POLICIES/RELOAD', '/api/v1/Projection/Rebuild']) expect((await alice.post(path, {})).status, path).toBe(403);
    const from = new Date(Date.now() + 3_600_000).toISOString();
    const to = new Date(Date.now() + 7_200_000).toISOString();
    for (const path of ['/api/v1/ONCALL/platform/overrides', '/api/v1/oncall/platform/Overrides']) {
      const answer = await alice.post(path, { person: 'alice', from, to, reason: 'not my team' });
      expect(answer.status, path).toBe(403);
    }
  });
});
