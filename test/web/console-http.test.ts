/**
 * The console over real HTTP: without a session every page redirects to the sign-in form; a wrong token
 * or a forged form is refused; the session cookie is HttpOnly and SameSite=Strict; a POST without the
 * session's CSRF token is refused and records nothing; refusals from the lifecycle read as messages.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { apiClient, useTestStack } from '../support/stack';
import { consoleClient } from './console-client';

const file = useTestStack();

describe('console authentication', () => {
  it('redirects to the sign-in form without a session, for pages and for forms', async () => {
    const browser = consoleClient(file.stack.url);
    const list = await browser.get('/console?team=payments');
    expect(list.status).toBe(303);
    expect(list.location).toBe('/console/login?next=%2Fconsole%3Fteam%3Dpayments');
    const post = await browser.post('/console/incidents/abc/acknowledge', { _csrf: 'x' });
    expect(post.status).toBe(303);
    expect(post.location).toMatch(/^\/console\/login/);
    const login = await browser.get('/console/login');
    expect(login.status).toBe(200);
    expect(login.html).toMatch(/<label for="login-token">Admin token/);
    // The bearer API stays closed to anyone without the token.
    expect((await apiClient(file.stack.url, undefined).get('/api/v1/incidents')).status).toBe(401);
  });

  it('refuses a wrong token and a sign-in form without its challenge', async () => {
    const browser = consoleClient(file.stack.url);
    const login = await browser.get('/console/login');
    const wrong = await browser.post('/console/login', { _login: browser.hidden(login.html, '_login')!, name: 'Eve', token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('That token is not the admin token');
    expect(browser.jar.has('marshal_session')).toBe(false);

    const forged = consoleClient(file.stack.url);
    const noChallenge = await forged.post('/console/login', { _login: 'guess', name: 'Eve', token: file.stack.token });
    expect(noChallenge.status).toBe(403);
    expect(forged.jar.has('marshal_session')).toBe(false);
  });

  it('signs in with the admin token into an HttpOnly SameSite=Strict session, and signs out', async () => {
    const browser = consoleClient(file.stack.url);
    const login = await browser.get('/console/login');
    const answer = await browser.post('/console/login', { _login: browser.hidden(login.html, '_login')!, name: 'Carol', token: file.stack.token, next: '/console?status=all' });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console?status=all');
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('marshal_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    const list = await browser.get('/console?status=all');
    expect(list.status).toBe(200);
    expect(list.html).toMatch(/Signed in as (<\/span>)?Carol/);

    // The cookie is only a random id: a changed, forged or hostile one is no session.
    const id = browser.jar.get('marshal_session')!;
    expect(id).toMatch(/^[\w-]{43}$/);
    const tampered = consoleClient(file.stack.url);
    for (const value of [`${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`, 'eyJuYW1lIjoiTWFsbG9yeSJ9.sig', `%00${'x'.repeat(5000)}`]) {
      tampered.jar.set('marshal_session', value);
      expect((await tampered.get('/console')).status).toBe(303);
    }

    // Signing out ends the session in the store: a copy of the cookie stops working too.
    const copy = consoleClient(file.stack.url);
    copy.jar.set('marshal_session', id);
    expect((await copy.get('/console')).status).toBe(200);
    const csrf = browser.hidden(list.html, '_csrf')!;
    expect((await browser.post('/console/logout', { _csrf: csrf })).location).toBe('/console/login');
    expect((await browser.get('/console')).status).toBe(303);
    expect((await copy.get('/console')).status).toBe(303);
  });

  it('refuses a POST without the session CSRF token and records nothing', async () => {
    const declared = await file.api.post<IncidentView>('/api/v1/incidents', { title: 'CSRF target', severity: 'SEV3', service: 'api-gateway' });
    const id = declared.body.id;
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Dana');
    expect(csrf).toMatch(/^[\w-]{20,}$/);

    for (const form of [{} as Record<string, string>, { _csrf: '' }, { _csrf: 'forged-token-forged-token-forged' }]) {
      const refused = await browser.post(`/console/incidents/${id}/acknowledge`, form);
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('CSRF token');
    }
    // Another session's token does not work either.
    const other = consoleClient(file.stack.url);
    const otherCsrf = (await other.signIn(file.stack.token, 'Other')).csrf;
    expect((await browser.post(`/console/incidents/${id}/acknowledge`, { _csrf: otherCsrf })).status).toBe(403);
    expect((await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body.acknowledgedAt).toBeUndefined();

    const ok = await browser.post(`/console/incidents/${id}/acknowledge`, { _csrf: csrf });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/console/incidents/${id}?done=acknowledged`);
    const state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state.acknowledgedBy).toBe('Dana');

    // A lifecycle refusal is a readable message on the page with the right status, never a stack trace.
    const again = await browser.post(`/console/incidents/${id}/acknowledge`, { _csrf: csrf });
    expect(again.status).toBe(409);
    expect(again.html).toContain('already acknowledged by Dana');
    expect(again.html).not.toMatch(/at .*\.ts:\d+|Error:/);
    // A malformed form names the field in words.
    const empty = await browser.post(`/console/incidents/${id}/severity`, { _csrf: csrf, severity: 'SEV2', reason: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('Reason is required');
    // Unknown incidents are a readable 404.
    const missing = await browser.get('/console/incidents/zzzzzzzzzz');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('no incident zzzzzzzzzz');
  });

  it('declares, escapes what people typed, and lists with filters', async () => {
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Erin <b>');
    const list = await browser.get('/console');
    const key = browser.hidden(list.html, 'idempotencyKey')!;
    const form = { _csrf: csrf, idempotencyKey: key, title: '<script>alert(1)</script> gateway down', severity: 'SEV2', service: 'api-gateway', team: '', summary: '' };
    const declared = await browser.post('/console/incidents', form);
    expect(declared.status).toBe(303);
    const id = /\/console\/incidents\/(\w+)/.exec(declared.location!)![1];
    // The same form sent twice (a double click) is one incident.
    expect((await browser.post('/console/incidents', form)).location).toContain(id);

    const page = await browser.get(declared.location!);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; gateway down');
    expect(page.html).toContain('Erin &#60;b&#62;');
    expect(page.html).toContain('Incident declared.');
    // The customer message is prefilled from the draft.
    expect(page.html).toMatch(/<textarea id="cm-message"[^>]*>We are investigating a partial outage affecting API/);
    const state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state).toMatchObject({ team: 'platform', reporter: 'Erin <b>', severity: 'SEV2' });

    await expect.poll(async () => (await browser.get('/console?team=platform&severity=SEV2&service=api-gateway')).html, { timeout: 10_000 }).toContain(`/console/incidents/${id}`);
    expect((await browser.get('/console?team=web')).html).not.toContain(`/console/incidents/${id}`);
  });
});

describe('console forms', () => {
  it('send every lifecycle command through the workflow, with the session name as the actor', async () => {
    const { body } = await file.api.post<IncidentView>('/api/v1/incidents', { title: 'Ledger lag', severity: 'SEV2', service: 'payments-ledger' });
    const id = body.id;
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Fran');
    const send = async (action: string, form: Record<string, string> = {}) => {
      const answer = await browser.post(`/console/incidents/${id}/${action}`, { _csrf: csrf, ...form });
      expect(answer.status, answer.html.slice(0, 2000)).toBe(303);
      return answer.location;
    };
    expect(await send('updates', { status: 'investigating', message: 'Internal look', public: 'false' })).toContain('done=updated');
    expect(await send('updates', { status: 'investigating', message: 'We are looking into delays.', public: 'true' })).toContain('done=published');
    await send('severity', { severity: 'SEV1', reason: 'All ledgers' });
    await send('roles', { role: 'communications', person: 'grace' });
    await send('team', { team: 'platform', reason: 'Database side' });
    await send('resolve', { summary: 'Vacuumed the table' });
    await send('action-items', { title: 'Alert on ledger lag', owner: 'heidi', due: '2026-12-31' });
    await send('action-items', { title: 'Second item', owner: 'ivan' });
    await send('action-items/AI-1/complete');
    await send('action-items/AI-2/waive', { reason: 'Covered by AI-1' });
    const page = await browser.get(`/console/incidents/${id}`);
    const draft = /<textarea id="pm-markdown"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.html)![1].replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
    expect(draft).toContain('# Postmortem: Ledger lag');
    await send('postmortem', { markdown: draft });

    const state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state.statusUpdates.map((update) => [update.public, update.by])).toEqual([
      [false, 'Fran'],
      [true, 'Fran'],
    ]);
    expect(state).toMatchObject({ severity: 'SEV1', team: 'platform', roles: { communications: 'grace' }, resolution: 'Vacuumed the table' });
    expect(state.actionItems.map((item) => [item.id, item.state, item.dueAt])).toEqual([
      ['AI-1', 'completed', '2026-12-31T17:00:00Z'],
      ['AI-2', 'waived', expect.any(String)],
    ]);
    expect(state.postmortem?.markdown).toBe(draft.trim());
    expect(state.postmortem?.publishedBy).toBe('Fran');
    expect((await browser.post(`/console/incidents/${id}/no-such-action`, { _csrf: csrf })).status).toBe(404);
  });
});

describe('console documents', () => {
  it('renders the closing report as HTML, escaping what people wrote, with its Markdown beside it', async () => {
    const { body } = await file.api.post<IncidentView>('/api/v1/incidents', { title: '<script>alert(1)</script> **Ledger** [x](javascript:alert(1))', severity: 'SEV3', service: 'payments-ledger' });
    await file.api.post(`/api/v1/incidents/${body.id}/resolve`, { summary: '<img src=x onerror=alert(1)> rolled back' });
    const browser = consoleClient(file.stack.url);
    await browser.signIn(file.stack.token, 'Reader');
    const report = await browser.get(`/console/incidents/${body.id}/report`);
    expect(report.status).toBe(200);
    expect(report.html).toMatch(/<div class="markdown-body"><h1>/);
    expect(report.html).toContain('<summary>The report as Markdown</summary>');
    expect(report.html).not.toMatch(/<script>|<img src=x|href="javascript/i);
    expect(report.html).toContain('&lt;img src=x onerror=alert(1)&gt; rolled back');
    expect((await browser.get('/console/incidents/zzzzzzzzzz/report')).status).toBe(404);
  });
});

// Last in this file: it throttles 127.0.0.1 on this file's stack.
describe('console sign-in throttling', () => {
  it('answers 429 with Retry-After after repeated wrong admin tokens, even for the right one, and audits the failures', async () => {
    const browser = consoleClient(file.stack.url);
    const first = await browser.get('/console/login');
    const nul = await browser.post('/console/login', { _login: browser.hidden(first.html, '_login')!, name: 'Guesser', token: 'guess\0' });
    expect(nul.status).toBe(400);
    expect(nul.html).not.toMatch(/at \w+ \(|node_modules/);
    let status = 0;
    let refused = 0;
    for (let attempt = 0; attempt < 12 && status !== 429; attempt += 1) {
      const login = await browser.get('/console/login');
      const answer = await browser.post('/console/login', { _login: browser.hidden(login.html, '_login')!, name: 'Guesser', token: `guess-${attempt}-${'x'.repeat(20_000)}` });
      status = answer.status;
      if (status === 429) {
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer.html).toContain('Too many failed sign-ins');
      } else {
        expect(status).toBe(401);
        refused += 1;
      }
    }
    expect(status).toBe(429);
    const login = await browser.get('/console/login');
    const right = await browser.post('/console/login', { _login: browser.hidden(login.html, '_login')!, name: 'Guesser', token: file.stack.token });
    expect(right.status).toBe(429);
    // The audit trail is written without holding up the answer, so it may land a moment later.
    const failed = async () => (await file.stack.store!.audit.list({ actor: 'Guesser', limit: 20 })).filter((entry) => entry.action === 'console sign-in' && entry.outcome === 'failed');
    await expect.poll(async () => (await failed()).length).toBe(refused);
    expect((await failed())[0]).toMatchObject({ status: 401, remote: expect.stringContaining('127.0.0.1') });
  });
});
