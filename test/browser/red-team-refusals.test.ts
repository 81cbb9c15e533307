/**
 * What a responder sees, in a real Chromium at laptop and phone size, when the console refuses what policy
 * does not allow them (test/e2e/red-team-console.test.ts covers the rules over HTTP): alice, of payments,
 * adds an override to the platform team's rotation and gets a page saying who she is and why, and the
 * override is not made. Screenshots in test/artifacts/browser/red-team-*.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserStack, VIEWPORTS } from '../support/browser';
import { apiClient } from '../support/stack';

const env = useBrowserStack('red-team-');

const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe.each(VIEWPORTS)('a refusal from policy at $name size', ({ name, viewport, isMobile }) => {
  it("alice cannot add an override to another team's rotation, and the page says why", async () => {
    const admin = apiClient(env.stack.url, env.stack.token);
    const issued = await admin.post('/api/v1/sign-in-links', { person: 'alice' });
    expect(issued.status).toBe(201);
    const context = await env.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(issued.body.url);
    await page.getByRole('button', { name: 'Sign in as Alice Moreau' }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();

    await page.goto(`${env.stack.url}/console/oncall/platform`);
    await page.getByLabel('Who covers', { exact: true }).selectOption('alice');
    await page.getByLabel('From', { exact: true }).fill(local(Date.now() + 3_600_000));
    await page.getByLabel('Until', { exact: true }).fill(local(Date.now() + 7_200_000));
    await page.getByLabel('Those times are in').selectOption('UTC');
    await page.getByLabel('Why', { exact: true }).fill('Covering platform');
    const [response] = await Promise.all([page.waitForResponse((answer) => answer.request().method() === 'POST'), page.getByRole('button', { name: 'Add override' }).click()]);
    expect(response.status()).toBe(403);
    await page.getByRole('heading', { name: 'Not allowed', level: 1 }).waitFor();
    expect(await page.locator('main').innerText()).toContain('alice may change only team payments');
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await env.shot(page, `${name}-override-refused`);
    const overrides = await admin.get('/api/v1/oncall/platform/overrides');
    expect(JSON.stringify(overrides.body)).not.toContain('Covering platform');
    await context.close();
  });
});
