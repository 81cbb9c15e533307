/**
 * Console sign-in through a real OpenID Connect provider (oidc-provider, certified) in real Chromium:
 * alice, whose email is in policy, signs in and acknowledges an incident, and the timeline says alice;
 * someone not in policy is refused with a page that says why (and audited); sign-out ends the session
 * for a copied cookie too; forged and replayed callbacks are refused; repeated failures answer 429.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { ARTIFACTS, launchChromium, VIEWPORTS } from '../support/browser';
import { runCli, startCli } from '../support/cli';
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';

let idp: TestIdentityProvider;
let inbox: WebhookReceiver;
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [idp, inbox, browser] = await Promise.all([startIdentityProvider(), startWebhookReceiver(), launchChromium()]);
  const policyDir = testPolicyDir({
    webhookUrl: inbox.url,
    edit: { 'teams/payments.yaml': (text) => text.replace('    github: alicem\n', '    github: alicem\n    email: alice@example.com\n') },
  });
  stack = await startTestStack({
    policy: { kind: 'directory', dir: policyDir },
    oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, claim: 'email' },
  });
  await idp.register(stack.url);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await inbox?.close();
  await idp?.close();
});

/** A browser that reaches only this machine (the provider's development pages link a web font). */
async function localContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  return context;
}

/** From the console's sign-in page through the provider's login and consent, as `login`. */
async function signIn(page: Page, login: string) {
  await page.goto(`${stack.url}/console`);
  expect(new URL(page.url()).pathname).toBe('/console/login');
  expect(await page.getByLabel('Admin token').count()).toBe(0);
  await page.getByRole('link', { name: 'Sign in with your company account' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

const cookieHeader = async (context: BrowserContext) => (await context.cookies(`${stack.url}/console/login/callback`)).map((c) => `${c.name}=${c.value}`).join('; ');
const getConsole = (path: string, cookie = '') => fetch(`${stack.url}${path}`, { headers: { cookie }, redirect: 'manual' });

describe('console sign-in through OpenID Connect', () => {
  it('signs alice in as the policy person; her acknowledgement is hers; sign-out ends every copy of the session', async () => {
    const api = apiClient(stack.url, stack.token);
    const declared = await api.post('/api/v1/incidents', { title: 'Checkout declines spike', severity: 'SEV2', service: 'checkout-api' });
    expect(declared.status).toBe(201);

    const context = await localContext();
    const page = await context.newPage();
    let callback = '';
    let callbackCookies: Promise<string | undefined> = Promise.resolve(undefined);
    page.on('request', (request) => {
      if (!request.url().startsWith(`${stack.url}/console/login/callback`)) return;
      callback = request.url();
      callbackCookies = request.allHeaders().then((headers) => headers.cookie);
    });
    await signIn(page, 'alice');
    await page.waitForURL(`${stack.url}/console`);
    expect(await page.locator('main').innerText()).not.toContain('cannot use the console');
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    expect(await page.locator('nav').innerText()).toContain('alice');

    await page.goto(`${stack.url}/console/incidents/${declared.body.id}`);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Acknowledged: paging has stopped.').waitFor();
    const timeline = await page.locator('section[aria-labelledby="timeline-heading"]').innerText();
    expect(timeline).toMatch(/Acknowledged[^\n]*\n?[^\n]*· alice ·/);
    expect((await api.get(`/api/v1/incidents/${declared.body.id}`)).body.acknowledgedBy).toBe('alice');

    // The callback cannot be used twice: in the browser the flow cookie is gone; replayed with the very
    // cookies it first came with, the provider has spent the code.
    expect(callback).toContain('code=');
    const again = await getConsole(callback.slice(stack.url.length), await cookieHeader(context));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('not started from this browser');
    const original = await callbackCookies;
    expect(original).toContain('marshal_oidc=');
    const replay = await getConsole(callback.slice(stack.url.length), original);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('The sign-in could not be completed');

    // A copied cookie works until sign-out, then not at all.
    const copied = await cookieHeader(context);
    expect((await getConsole('/console', copied)).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(new URL(page.url()).pathname).toBe('/console/login');
    const after = await getConsole('/console', copied);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/console\/login/);

    const audit = await stack.store!.audit.list({ actor: 'alice', limit: 20 });
    expect(audit.some((entry) => entry.action === 'console sign-in' && entry.outcome === 'done')).toBe(true);
    await context.close();
  }, 120_000);

  it('approves marshal login as alice through the identity provider; the token the CLI saved acts as alice', async () => {
    const config = mkdtempSync(join(tmpdir(), 'marshal-config-'));
    const cliEnv = { MARSHAL_TOKEN: '', MARSHAL_CONFIG_DIR: config };
    const login = startCli(stack, ['login', '--host', 'alice-workstation'], cliEnv);
    const [, url] = await login.waitFor(/(http:\/\/\S+\/console\/cli-login\?code=[A-Z]{4}-[A-Z]{4})/);
    const context = await localContext();
    const page = await context.newPage();
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    // Back where the CLI sent her, signed in as the policy person.
    await page.getByText('Allow the CLI on alice-workstation to act as alice?').waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('Allowed.').waitFor();
    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Logged in as alice');
    const declared = await runCli(stack, ['--json', 'declare', '--title', 'Declared by the CLI after an OIDC approval', '--severity', 'SEV3', '--service', 'checkout-api'], cliEnv);
    expect(declared.code, declared.stderr).toBe(0);
    expect(JSON.parse(declared.stdout).reporter).toBe('alice');
    // Revoked elsewhere, the saved token fails on its next use, the CLI says what to do, and logout still forgets it.
    const tokens = (await apiClient(stack.url, stack.token).get('/api/v1/tokens?person=alice')).body.tokens as { id: string; name: string }[];
    const cli = tokens.find((token) => token.name === 'cli login alice-workstation')!;
    expect((await apiClient(stack.url, stack.token).send('DELETE', `/api/v1/tokens/${cli.id}`)).status).toBe(200);
    const refused = await runCli(stack, ['list'], cliEnv);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('marshal login');
    expect((await runCli(stack, ['logout'], cliEnv)).code).toBe(0);
    await context.close();
  }, 120_000);

  it.each(VIEWPORTS)(
    'refuses someone who is not in policy with a page that says why ($name size)',
    async ({ name, viewport, isMobile }) => {
      const context = await localContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await signIn(page, `mallory-${name}`);
      await page.getByRole('heading', { name: 'You cannot use the console yet' }).waitFor();
      const text = await page.locator('main').innerText();
      expect(text).toContain(`You signed in as mallory-${name}@example.com, but no person in Marshal's policy has that email`);
      expect(text).not.toMatch(/at \w+ \(|Error:/);
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `${name}-oidc-refused.png`), fullPage: true });
      // Still no session: the console sends them to sign in.
      await page.goto(`${stack.url}/console`);
      expect(new URL(page.url()).pathname).toBe('/console/login');
      const audit = await stack.store!.audit.list({ actor: `mallory-${name}@example.com`, limit: 5 });
      expect(audit[0]).toMatchObject({ action: 'console sign-in', outcome: 'failed', status: 403 });
      await context.close();
    },
    120_000,
  );

  it('refuses forged callbacks and hostile values without a trace, then throttles the address with 429', async () => {
    const forged = ['/console/login/callback?code=abc&state=forged', `/console/login/callback?code=${'x'.repeat(20_000)}&state=%00`, '/console/login/callback?error=access_denied'];
    for (const path of forged) {
      const answer = await getConsole(path, 'marshal_oidc=eyJ2ZXJpZmllciI6IngifQ.forged-signature');
      expect([400, 414, 431]).toContain(answer.status);
      const body = await answer.text();
      expect(body).not.toMatch(/at \w+ \(|node_modules|Error:/);
    }
    // The admin token does not open the console when an identity provider is configured.
    const posted = await fetch(`${stack.url}/console/login`, { method: 'POST', body: new URLSearchParams({ name: 'x', token: stack.token }), redirect: 'manual' });
    expect(posted.status).toBe(404);
    let answer: Response | undefined;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      answer = await getConsole('/console/login/callback?code=again&state=again');
      if (answer.status === 429) break;
    }
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answer!.text()).toContain('Too many failed sign-ins');
    // Starting a sign-in is refused too while throttled.
    expect((await getConsole('/console/login/oidc')).status).toBe(429);
  }, 60_000);
});
