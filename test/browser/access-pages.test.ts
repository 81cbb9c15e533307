/**
 * Who gets in, in a real Chromium at laptop and phone size: an admin (the admin token, the embedded
 * default) issues alice a sign-in link in the console; alice opens it, presses "Sign in as Alice Moreau"
 * and is in as herself, with no admin pages; she approves a CLI login; the admin reads the audit trail,
 * newest first, paged and filtered, with hostile entries shown as text. Screenshots in test/artifacts/browser/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserStack, VIEWPORTS } from '../support/browser';
import { apiClient } from '../support/stack';

const env = useBrowserStack('access-');

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

async function adminPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${env.stack.url}/console/login`);
  await page.getByLabel('Your name').fill('Night admin');
  await page.getByLabel('Admin token').fill(env.stack.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
  return page;
}

const fits = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');

describe.each(VIEWPORTS)('sign-in links, CLI login and the audit trail at $name size', ({ name, viewport, isMobile }) => {
  it('an admin issues a link, alice signs in with it once and approves a CLI login, the admin reads the trail', async () => {
    const options = { viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 };
    const dialogs: string[] = [];
    const adminContext = await env.browser.newContext(options);
    const admin = await adminPage(adminContext);
    admin.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    await admin.getByRole('link', { name: 'Sign-in links' }).click();
    await admin.getByLabel('Person').selectOption('alice');
    await admin.getByRole('button', { name: 'Issue sign-in link' }).click();
    const link = await admin.getByLabel('Sign-in link for alice', { exact: true }).inputValue();
    expect(link).toMatch(/\/console\/sign-in\/[A-Za-z0-9_-]{43}$/);
    expect(await fits(admin)).toBe(true);
    await env.shot(admin, `${name}-issue-link`);

    const aliceContext = await env.browser.newContext(options);
    const alice = await aliceContext.newPage();
    await alice.goto(link);
    expect(await fits(alice)).toBe(true);
    await env.shot(alice, `${name}-link-confirm`);
    await alice.getByRole('button', { name: 'Sign in as Alice Moreau' }).click();
    await alice.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    expect(await alice.locator('nav').innerText()).toContain('alice');
    expect(await alice.locator('nav').getByRole('link', { name: 'Audit', exact: true }).count()).toBe(0);
    const forbidden = await alice.goto(`${env.stack.url}/console/audit`);
    expect(forbidden?.status()).toBe(403);
    expect(await alice.locator('main').innerText()).toContain('for admins');
    await env.shot(alice, `${name}-audit-forbidden`);
    // The link is spent.
    const spent = await (await env.browser.newContext(options)).newPage();
    expect((await spent.goto(link))?.status()).toBe(410);
    expect(await spent.locator('main').innerText()).toContain('already been used');
    await env.shot(spent, `${name}-link-used`);

    // A CLI login on alice's laptop, approved in her session.
    const started = await apiClient(env.stack.url, undefined).post('/api/v1/cli-login', { host: `alice-${name}` });
    await alice.goto(started.body.verificationUriComplete);
    await alice.getByText(`Allow the CLI on alice-${name} to act as alice?`).waitFor();
    expect(await fits(alice)).toBe(true);
    await env.shot(alice, `${name}-cli-login`);
    await alice.getByRole('button', { name: 'Allow' }).click();
    await alice.getByText('Allowed.').waitFor();
    const token = await apiClient(env.stack.url, undefined).post('/api/v1/cli-login/token', { deviceCode: started.body.deviceCode });
    expect(token.body.person).toBe('alice');

    // Her tokens: the CLI's, and one she issues here (shown once).
    await alice.locator('nav').getByRole('link', { name: 'Tokens' }).click();
    await alice.getByText(`cli login alice-${name}`).waitFor();
    await alice.getByLabel('What it is for').fill('deploy script');
    await alice.getByRole('button', { name: 'Issue token' }).click();
    expect(await alice.getByLabel('The new token').inputValue()).toMatch(/^mrsh_/);
    expect(await fits(alice)).toBe(true);
    await env.shot(alice, `${name}-tokens`);

    // Hostile entries and enough of them to page.
    const audit = env.stack.store!.audit;
    await audit.append({ actor: HOSTILE, principal: 'none', action: HOSTILE, target: HOSTILE, outcome: 'failed', status: 401, remote: HOSTILE, detail: { reason: HOSTILE } });
    for (let index = 0; index < 60; index += 1)
      await audit.append({ actor: 'bob', principal: 'person:bob', action: 'POST /api/v1/incidents', outcome: 'done', status: 201, tokenId: `tok${index}`, remote: '10.0.0.7' });
    await admin.locator('nav').getByRole('link', { name: 'Audit', exact: true }).click();
    await admin.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    const rows = admin.locator('table.audit tbody tr');
    expect(await rows.count()).toBe(50);
    expect(await rows.first().innerText()).toContain('bob');
    await admin.getByRole('link', { name: 'Older entries →' }).click();
    await admin.locator('table.audit').getByText(HOSTILE).first().waitFor();
    expect(await admin.locator('table.audit').innerText()).toContain('cli login approved');
    expect(await admin.locator('table.audit img, table.audit script').count()).toBe(0);
    expect(await fits(admin)).toBe(true);
    await env.shot(admin, `${name}-audit-older`);
    await admin.getByLabel('Who').selectOption('alice');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    const who = await admin.locator('table.audit tbody td[data-label="Who"]').allInnerTexts();
    expect(who.length).toBeGreaterThan(0);
    expect(who.every((cell) => cell.startsWith('alice'))).toBe(true);
    expect(await admin.locator('table.audit').innerText()).toContain('sign-in link used');
    await admin.getByLabel('Action').selectOption('cli login approved');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    expect((await admin.locator('table.audit tbody td[data-label="What"]').allInnerTexts()).every((cell) => cell.startsWith('cli login approved'))).toBe(true);
    await admin.goto(`${env.stack.url}/console/audit`);
    expect(await fits(admin)).toBe(true);
    await env.shot(admin, `${name}-audit`);
    expect(dialogs).toEqual([]);
    await Promise.all([adminContext.close(), aliceContext.close()]);
  }, 120_000);
});
