/**
 * `marshal login` end to end: the real CLI asks Marshal for a code, the person signs in to the console (here
 * with a one-time sign-in link) and allows it, and the CLI saves the personal token it then receives; the
 * saved token acts as that person (the timeline says alice). Codes are single use, bound to the approving
 * person, expire, can be refused; the admin token's session (nobody) cannot approve; hostile values get a
 * 400 naming the field; everything is audited; the address is throttled.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli';
import { signInWithAdminToken, signInWithLink, type ConsoleClient } from '../support/console-client';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import type { AuditEntry } from '../../store/access';
import { auditEntries, noTrace } from '../support/audit';

let stack: TestStack;
let admin: ReturnType<typeof apiClient>;
let anonymous: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack({ policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: 'http://127.0.0.1:9/' }) } });
  admin = apiClient(stack.url, stack.token);
  anonymous = apiClient(stack.url, undefined);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const signedIn = async (person: string): Promise<ConsoleClient> => {
  const link = await admin.post('/api/v1/sign-in-links', { person });
  expect(link.status).toBe(201);
  return signInWithLink(stack.url, link.body.url);
};
const trail = (filter: (entry: AuditEntry) => boolean) => auditEntries(stack.store!.audit, filter);
const start = async (host = 'test-host') => {
  const answer = await anonymous.post('/api/v1/cli-login', { host });
  expect(answer.status).toBe(201);
  return answer.body as { deviceCode: string; userCode: string; verificationUriComplete: string; interval: number };
};

describe('marshal login', () => {
  it('gets alice a personal token she approved in the console; the CLI then acts as alice', async () => {
    const config = mkdtempSync(join(tmpdir(), 'marshal-config-'));
    const cliEnv = { MARSHAL_TOKEN: '', MARSHAL_CONFIG_DIR: config };
    const login = startCli(stack, ['login', '--host', 'alice-laptop'], cliEnv);
    const [, url, code] = await login.waitFor(/(http:\/\/\S+\/console\/cli-login\?code=([A-Z]{4}-[A-Z]{4}))/);
    expect(url.startsWith(`${stack.url}/console/cli-login`)).toBe(true);

    const alice = await signedIn('alice');
    const page = await alice.get(url.slice(stack.url.length));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Allow the CLI on alice-laptop to act as alice?');
    expect(page.text).toContain(code);
    const allowed = await alice.post(`/console/cli-login?code=${code}&decision=allow`);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('Allowed');

    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Logged in as alice');
    const file = join(config, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'))[stack.url] as { token: string; person: string; tokenId: string };
    expect(saved).toMatchObject({ person: 'alice' });
    expect(saved.token).toMatch(/^mrsh_/);
    // The store keeps only its hash.
    expect(JSON.stringify(await stack.store!.database.query('SELECT * FROM api_tokens'))).not.toContain(saved.token);

    // The CLI, with no token given, uses the saved one: what it does is alice's, whatever it claims.
    const declared = await runCli(stack, ['--json', 'declare', '--title', 'Declared after marshal login', '--severity', 'SEV3', '--service', 'checkout-api'], cliEnv);
    expect(declared.code, declared.stderr).toBe(0);
    const incident = JSON.parse(declared.stdout) as { id: string; reporter: string };
    expect(incident.reporter).toBe('alice');
    expect((await runCli(stack, ['ack', incident.id], cliEnv)).code).toBe(0);
    expect((await runCli(stack, ['ack', incident.id, '--by', 'the-cto'], cliEnv)).code).toBe(6);
    const view = (await admin.get(`/api/v1/incidents/${incident.id}`)).body as { acknowledgedBy: string; timeline: { by?: string; type: string }[] };
    expect(view.acknowledgedBy).toBe('alice');
    expect(view.timeline.find((event) => event.type === 'acknowledged')?.by).toBe('alice');
    const tokens = JSON.parse((await runCli(stack, ['--json', 'token', 'list'], cliEnv)).stdout).tokens as { id: string; name: string; person: string }[];
    expect(tokens.find((token) => token.id === saved.tokenId)).toMatchObject({ name: 'cli login alice-laptop', person: 'alice' });

    // The code is spent: approving it again is refused.
    const again = await alice.post(`/console/cli-login?code=${code}&decision=allow`);
    expect(again.status).toBe(410);
    const approved = await trail((entry) => entry.action === 'cli login approved' && entry.actor === 'alice' && entry.outcome === 'done');
    expect(approved[0].detail).toMatchObject({ host: 'alice-laptop', userCode: code });
    const issued = await trail((entry) => entry.action === 'cli login token' && entry.actor === 'alice' && entry.outcome === 'done');
    expect(issued[0].tokenId).toBe(saved.tokenId);

    // marshal logout revokes it and forgets it.
    const out = await runCli(stack, ['logout'], cliEnv);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))[stack.url]).toBeUndefined();
    expect((await apiClient(stack.url, saved.token).get('/api/v1/incidents')).status).toBe(401);
    expect((await runCli(stack, ['logout'], cliEnv)).stdout).toContain('No login saved');
  }, 90_000);

  it('ends with exit 6 when the person denies it', async () => {
    const config = mkdtempSync(join(tmpdir(), 'marshal-config-'));
    const login = startCli(stack, ['login', '--host', 'unknown-box'], { MARSHAL_TOKEN: '', MARSHAL_CONFIG_DIR: config });
    const [, code] = await login.waitFor(/code=([A-Z]{4}-[A-Z]{4})/);
    const bob = await signedIn('bob');
    const denied = await bob.post(`/console/cli-login?code=${code}&decision=deny`);
    expect(denied.status).toBe(200);
    expect(denied.text).toContain('Refused');
    const result = await login.done;
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('refused');
    expect(existsSync(join(config, 'credentials.json'))).toBe(false);
    await trail((entry) => entry.action === 'cli login denied' && entry.actor === 'bob');
    await trail((entry) => entry.action === 'cli login token' && entry.outcome === 'denied');
  }, 60_000);

  it('gives the token once, to the device code only; expired and unknown codes are refused', async () => {
    const login = await start('twice');
    expect((await anonymous.post('/api/v1/cli-login/token', { deviceCode: login.deviceCode })).status).toBe(202);
    const carol = await signedIn('carol');
    expect((await carol.post(`/console/cli-login?code=${login.userCode.toLowerCase().replace('-', '')}&decision=allow`)).status).toBe(200);
    const first = await anonymous.post('/api/v1/cli-login/token', { deviceCode: login.deviceCode });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'approved', person: 'carol', kind: 'person' });
    expect((await apiClient(stack.url, first.body.token).get('/api/v1/tokens')).status).toBe(200);
    const second = await anonymous.post('/api/v1/cli-login/token', { deviceCode: login.deviceCode });
    expect(second.status).toBe(410);
    expect(second.body.token).toBeUndefined();

    const late = await start('late');
    await stack.store!.database.query("UPDATE cli_logins SET expires_at = now() - interval '1 second' WHERE user_code = $1", [late.userCode]);
    expect((await carol.get(`/console/cli-login?code=${late.userCode}`)).status).toBe(410);
    expect((await carol.post(`/console/cli-login?code=${late.userCode}&decision=allow`)).status).toBe(410);
    expect((await anonymous.post('/api/v1/cli-login/token', { deviceCode: late.deviceCode })).status).toBe(410);
    const unknown = await carol.get('/console/cli-login?code=BBBB-BBBB');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('No CLI login has the code BBBB-BBBB');
  }, 60_000);

  it('cannot be approved by the admin token, which is nobody', async () => {
    const login = await start('admin-box');
    const console = await signInWithAdminToken(stack.url, stack.token, 'judy');
    const page = await console.get(`/console/cli-login?code=${login.userCode}`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('the admin token, which is nobody');
    expect((await console.post(`/console/cli-login?code=${login.userCode}&decision=allow`)).status).toBe(403);
    expect((await anonymous.post('/api/v1/cli-login/token', { deviceCode: login.deviceCode })).status).toBe(202);
  }, 60_000);

  it('refuses hostile values with a 400 naming the field, and pages without a trace', async () => {
    for (const host of ['', 'a\u0000b', 'x'.repeat(10_000), 42, ['h'], 'line\nbreak', '\ud800']) {
      const answer = await anonymous.post('/api/v1/cli-login', { host });
      expect(answer.status, JSON.stringify(host).slice(0, 30)).toBe(400);
      expect(answer.body.error.field).toBe('host');
    }
    for (const deviceCode of [undefined, '', 'short', 'x'.repeat(10_000), 42, 'a\u0000'.repeat(20), { $ne: null }]) {
      const answer = await anonymous.post('/api/v1/cli-login/token', { deviceCode });
      expect(answer.status, JSON.stringify(deviceCode ?? null).slice(0, 30)).toBe(400);
      expect(answer.body.error.field).toBe('deviceCode');
    }
    const erin = await signedIn('erin');
    for (const code of ['<script>alert(1)</script>', 'x'.repeat(5000), '%00', 'AAAA-AAAA', 'BBBB-BBBBB']) {
      const page = await erin.get(`/console/cli-login?code=${encodeURIComponent(code)}`);
      expect([400, 404], code.slice(0, 20)).toContain(page.status);
      noTrace(page.text);
      expect(page.text).not.toContain('<script>alert(1)');
    }
    // A hostile host name shows escaped on the approval page.
    const hostile = await start('<img src=x onerror=alert(1)>');
    const page = await erin.get(`/console/cli-login?code=${hostile.userCode}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&#60;img src=x');
  }, 60_000);

  it('throttles an address that keeps starting logins or guessing device codes (429, Retry-After)', async () => {
    let answer: Awaited<ReturnType<typeof anonymous.post>> | undefined;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      answer = await anonymous.post('/api/v1/cli-login/token', { deviceCode: 'Z'.repeat(43) });
      if (answer.status === 429) break;
    }
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await anonymous.post('/api/v1/cli-login', { host: 'more' })).status).toBe(429);

    // In the console, naming codes that match no login is slowed down too.
    const frank = await signedIn('frank');
    let page: Awaited<ReturnType<typeof frank.get>> | undefined;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      page = await frank.get(`/console/cli-login?code=BBBB-${'BCDFGHJKLMNPQRSTVWXZ'[attempt % 20]}BBB`);
      if (page.status === 429) break;
      expect(page.status).toBe(404);
    }
    expect(page!.status).toBe(429);
    expect(page!.text).toContain('Too many codes');
  }, 60_000);
});
