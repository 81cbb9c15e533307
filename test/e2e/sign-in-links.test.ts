/**
 * One-time console sign-in links (the embedded default, no identity provider): an admin issues one for a
 * known person (API, CLI, console); opening it changes nothing; pressing its button starts a session as
 * that person, once; reuse, expiry and unknown links are refused with a page that says why; issue, use and
 * every refusal are in the audit trail. Hostile values get a 400 naming the field (API) or a plain page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { consoleClient, signInWithAdminToken, signInWithLink } from '../support/console-client';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import type { AuditEntry } from '../../store/access';
import { auditEntries, noTrace } from '../support/audit';

let stack: TestStack;
let admin: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack({
    policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: 'http://127.0.0.1:9/', edit: { 'access.yaml': () => 'admins: [judy]\ncomms: [judy]\nviewers: [olivia]\n' } }) },
  });
  admin = apiClient(stack.url, stack.token);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = async (person: string) => {
  const answer = await admin.post('/api/v1/sign-in-links', { person });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { url: string; person: string; expiresAt: string };
};
const trail = (filter: (entry: AuditEntry) => boolean) => auditEntries(stack.store!.audit, filter);

describe('one-time sign-in links', () => {
  it('signs the person in once: GET only asks, POST spends it; reuse is refused and audited', async () => {
    const link = await issue('alice');
    expect(link.url).toMatch(new RegExp(`^${stack.url}/console/sign-in/[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const path = link.url.slice(stack.url.length);
    // The store holds only a hash of the secret.
    const secret = path.split('/').pop()!;
    const rows = await stack.store!.database.query<Record<string, unknown>>('SELECT * FROM sign_in_links');
    expect(JSON.stringify(rows)).not.toContain(secret);

    // A link scanner (or a second look) GETs it: nothing is spent.
    const scanner = consoleClient(stack.url);
    for (let look = 0; look < 2; look += 1) {
      const page = await scanner.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Sign in as Alice Moreau');
    }
    // A POST from another site (no double-submit token) spends nothing either.
    const forged = await fetch(`${stack.url}${path}`, { method: 'POST', body: new URLSearchParams({}), redirect: 'manual' });
    expect(forged.status).toBe(403);

    const alice = await signInWithLink(stack.url, link.url);
    const home = await alice.get('/console');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(/Signed in as <\/span>alice/);
    // alice is a responder: no admin pages in her nav.
    expect(home.text).not.toContain('/console/audit');

    // What she does is hers.
    const declared = await admin.post('/api/v1/incidents', { title: 'Link sign-in acknowledges', severity: 'SEV3', team: 'payments' });
    expect((await alice.post(`/console/incidents/${declared.body.id}/acknowledge`, {})).status).toBe(303);
    expect((await admin.get(`/api/v1/incidents/${declared.body.id}`)).body.acknowledgedBy).toBe('alice');

    // Used once: the second press (another browser, or the same) is refused with a page that says so.
    const again = consoleClient(stack.url);
    const second = await again.get(path);
    expect(second.status).toBe(410);
    expect(second.text).toContain('already been used');
    noTrace(second.text);
    const replay = await fetch(`${stack.url}${path}`, { method: 'POST', headers: { cookie: alice.cookie }, body: new URLSearchParams({ _login: 'x' }), redirect: 'manual' });
    expect(replay.status).toBe(410);

    const issued = await trail((entry) => entry.action === 'sign-in link issued' && entry.detail?.person === 'alice');
    expect(issued[0]).toMatchObject({ actor: 'admin', outcome: 'done' });
    const used = await trail((entry) => entry.action === 'sign-in link used' && entry.actor === 'alice' && entry.outcome === 'done');
    expect((used[0] as { remote?: string }).remote).toBeTruthy();
    await trail((entry) => entry.action === 'sign-in link used' && entry.outcome === 'failed' && entry.detail?.reason === 'used');
    // The secret is nowhere in the trail.
    expect(JSON.stringify(await stack.store!.audit.list({ limit: 1000 }))).not.toContain(secret);
  }, 60_000);

  it('refuses an expired link and an unknown one with a clear page, audited', async () => {
    const link = await issue('mallory');
    await stack.store!.database.query("UPDATE sign_in_links SET expires_at = now() - interval '1 minute'");
    const client = consoleClient(stack.url);
    const expired = await client.get(link.url.slice(stack.url.length));
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('expired');
    await trail((entry) => entry.action === 'sign-in link used' && entry.detail?.reason === 'expired' && entry.actor === 'mallory');

    for (const path of [
      `/console/sign-in/${'A'.repeat(43)}`,
      `/console/sign-in/${'x'.repeat(20_000)}`,
      '/console/sign-in/%00',
      '/console/sign-in/%E0%A4%A',
      '/console/sign-in/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    ]) {
      const answer = await fetch(`${stack.url}${path}`, { redirect: 'manual' });
      expect([400, 404, 414, 431], path.slice(0, 40)).toContain(answer.status);
      const text = await answer.text();
      noTrace(text);
      expect(text).not.toContain('<script>alert(1)');
    }
    await trail((entry) => entry.action === 'sign-in link used' && entry.detail?.reason === 'unknown');
  }, 60_000);

  it('is issued only by admins, only for known people; hostile values are a 400 naming person', async () => {
    const judy = (await admin.post('/api/v1/tokens', { person: 'judy', name: 'judy laptop' })).body.token as string;
    const alice = (await admin.post('/api/v1/tokens', { person: 'alice', name: 'alice laptop' })).body.token as string;
    expect((await apiClient(stack.url, judy).post('/api/v1/sign-in-links', { person: 'alice' })).status).toBe(201);
    expect((await apiClient(stack.url, alice).post('/api/v1/sign-in-links', { person: 'alice' })).status).toBe(403);
    expect((await apiClient(stack.url, undefined).post('/api/v1/sign-in-links', { person: 'alice' })).status).toBe(401);
    for (const person of ['nobody-here', '', 'a\u0000b', 'x'.repeat(10_000), 42, null, ['alice'], { id: 'alice' }, '../alice', 'alice\n', '\ud800']) {
      const answer = await admin.post('/api/v1/sign-in-links', { person });
      expect(answer.status, JSON.stringify(person).slice(0, 40)).toBe(400);
      expect(answer.body.error.field).toBe('person');
    }
    expect((await admin.post('/api/v1/sign-in-links', {})).body.error.field).toBe('person');
  }, 60_000);

  it('is issued from the CLI (marshal signin-link) and from the console by an admin', async () => {
    const cli = await runCli(stack, ['signin-link', 'carol']);
    expect(cli.code, cli.stderr).toBe(0);
    const url = /(http:\/\/\S+\/console\/sign-in\/\S+)/.exec(cli.stdout)?.[1];
    expect(url).toBeTruthy();
    const carol = await signInWithLink(stack.url, url!);
    expect((await carol.get('/console')).text).toMatch(/Signed in as <\/span>carol/);
    expect((await runCli(stack, ['signin-link', 'nobody-here'])).code).toBe(5);

    const console = await signInWithAdminToken(stack.url, stack.token);
    const page = await console.get('/console/sign-in-links');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/console/audit');
    const made = await console.post('/console/sign-in-links', { person: 'bob' });
    expect(made.status).toBe(200);
    const shown = /value="(http:\/\/[^"]+\/console\/sign-in\/[^"]+)"/.exec(made.text)?.[1];
    expect(shown).toBeTruthy();
    const bob = await signInWithLink(stack.url, shown!);
    expect((await bob.get('/console')).text).toMatch(/Signed in as <\/span>bob/);
    // Taken back before use: it lists no more, and refuses as revoked.
    const pending = await console.post('/console/sign-in-links', { person: 'dan' });
    const danLink = /value="(http:\/\/[^"]+\/console\/sign-in\/[^"]+)"/.exec(pending.text)![1];
    const revokeAction = /action="(\/console\/sign-in-links\/[0-9a-f]{16}\/revoke)"[^]*?Revoke the sign-in link for dan/.exec(pending.text)?.[1];
    expect(revokeAction).toBeTruthy();
    const revoked = await console.post(revokeAction!);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toContain('Revoked the sign-in link for Dan');
    expect((await console.post(revokeAction!)).status).toBe(404);
    const refusedLink = await consoleClient(stack.url).get(danLink.slice(stack.url.length));
    expect(refusedLink.status).toBe(410);
    expect(refusedLink.text).toContain('took this sign-in link back');
    await trail((entry) => entry.action === 'sign-in link revoked' && entry.outcome === 'done' && entry.detail?.person === 'dan');
    const refused = await console.post('/console/sign-in-links', { person: '<b>nobody</b>' });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('<b>nobody');
    // The audit page refuses hostile filters with a page naming them, never a trace.
    for (const query of ['before=abc', 'before=99999999999999999999', `actor=${'x'.repeat(300)}`, 'actor=%00', 'before=-1', 'actor=a&actor=b']) {
      const answer = await console.get(`/console/audit?${query}`);
      expect([400], query.slice(0, 30)).toContain(answer.status);
      noTrace(answer.text);
    }
    const filtered = await console.get('/console/audit?actor=bob&action=sign-in+link+used');
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain('sign-in link used');
    expect(filtered.text).not.toContain('sign-in link issued</span>');
    // A responder is refused the admin pages.
    expect((await bob.get('/console/sign-in-links')).status).toBe(403);
    expect((await bob.post('/console/sign-in-links', { person: 'bob' })).status).toBe(403);
    expect((await bob.get('/console/audit')).status).toBe(403);
  }, 60_000);
});
