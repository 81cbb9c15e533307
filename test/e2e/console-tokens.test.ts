/**
 * Personal API tokens in the console (/console/tokens): a person signed in with a sign-in link issues one
 * for themselves (shown once, working as them through the API), lists and revokes it (its next use fails);
 * nobody else may revoke it or issue for them; the admin token's session issues for a named person; hostile
 * values are refused with a page, never a trace; issue and revocation are audited.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signInWithAdminToken, signInWithLink, type ConsoleClient } from '../support/console-client';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import { noTrace } from '../support/audit';

let stack: TestStack;
let admin: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack({ policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: 'http://127.0.0.1:9/' }) } });
  admin = apiClient(stack.url, stack.token);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const signedIn = async (person: string): Promise<ConsoleClient> => signInWithLink(stack.url, (await admin.post('/api/v1/sign-in-links', { person })).body.url);
const shownToken = (page: string) => /id="issued-token" readonly value="(mrsh_[^"]+)"/.exec(page)?.[1];

describe('API tokens in the console', () => {
  it('a person issues, uses and revokes their own token; nobody else may', async () => {
    const alice = await signedIn('alice');
    const page = await alice.get('/console/tokens');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Your tokens');
    expect(page.text).not.toContain('Whose token');
    const issued = await alice.post('/console/tokens', { name: 'deploy <img src=x> script', days: '30' });
    expect(issued.status).toBe(200);
    const token = shownToken(issued.text)!;
    expect(token).toMatch(/^mrsh_[a-z0-9]{12}_/);
    expect(issued.text).toContain('deploy &#60;img src=x&#62; script');
    expect(issued.text).not.toContain('<img src=x>');
    const mine = await apiClient(stack.url, token).get('/api/v1/tokens');
    expect(mine.status).toBe(200);
    const record = (mine.body.tokens as { id: string; person: string; expiresAt: string }[]).find((entry) => token.startsWith(`mrsh_${entry.id}_`))!;
    expect(record.person).toBe('alice');
    expect(Date.parse(record.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    // Shown once: the list never carries it again.
    expect((await alice.get('/console/tokens')).text).not.toContain(token);

    const bob = await signedIn('bob');
    expect((await bob.post(`/console/tokens/${record.id}/revoke`)).status).toBe(404);
    expect((await bob.post('/console/tokens', { name: 'for alice', days: '30', person: 'alice' })).status).toBe(403);
    expect((await apiClient(stack.url, token).get('/api/v1/incidents')).status).toBe(200);
    const revoked = await alice.post(`/console/tokens/${record.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toContain('Revoked token');
    expect((await apiClient(stack.url, token).get('/api/v1/incidents')).status).toBe(401);

    const trail = await vi.waitFor(
      async () => {
        const entries = await stack.store!.audit.list({ actor: 'alice', limit: 50 });
        if (!entries.some((entry) => entry.action === 'token revoked')) throw new Error('not yet');
        return entries;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(trail.find((entry) => entry.action === 'token issued')).toMatchObject({ outcome: 'done', tokenId: record.id });
    expect(trail.find((entry) => entry.action === 'token revoked')).toMatchObject({ outcome: 'done', tokenId: record.id });
    // One entry per request: the route's own entry, not also the console's general form entry.
    expect(trail.filter((entry) => entry.target === `/tokens/${record.id}/revoke`)).toHaveLength(1);
    expect(trail.filter((entry) => entry.action.startsWith('POST /console/tokens'))).toEqual([]);
  }, 60_000);

  it('the admin token session issues for a named person and sees every token', async () => {
    const console = await signInWithAdminToken(stack.url, stack.token, 'night admin');
    const page = await console.get('/console/tokens');
    expect(page.text).toContain('Every token');
    expect(page.text).toContain('Whose token');
    expect((await console.post('/console/tokens', { name: 'no one', days: '30' })).status).toBe(400);
    const issued = await console.post('/console/tokens', { name: 'carol ci', days: '7', person: 'carol' });
    expect(issued.status).toBe(200);
    const created = await apiClient(stack.url, shownToken(issued.text)!).post('/api/v1/incidents', { title: 'Declared with a console-issued token', severity: 'SEV4', team: 'payments' });
    expect(created.body.reporter).toBe('carol');
  }, 60_000);

  it('refuses hostile values with a page, never a trace', async () => {
    const erin = await signedIn('erin');
    for (const form of <Record<string, string>[]>[
      { name: '', days: '30' },
      { name: 'x'.repeat(500), days: '30' },
      { name: 'a\u0000b', days: '30' },
      { name: 'bell\u0007', days: '30' },
      { name: 'ok', days: '1000' },
      { name: 'ok', days: '-1' },
      { name: 'ok' },
    ]) {
      const answer = await erin.post('/console/tokens', form);
      expect(answer.status, JSON.stringify(form).slice(0, 40)).toBe(400);
      noTrace(answer.text);
    }
    for (const id of ['..%2F..%2Fx', 'x'.repeat(500), '%00', 'AAAAAAAAAAAA']) {
      const answer = await erin.post(`/console/tokens/${id}/revoke`);
      expect([400, 404], id.slice(0, 20)).toContain(answer.status);
      noTrace(answer.text);
    }
  }, 60_000);
});
