/**
 * The whole lifecycle from the console in a real browser (Debian's chromium driven by playwright-core),
 * at laptop size and at phone size: sign in, declare, acknowledge, publish the drafted customer message,
 * post an update, resolve — and watch the public status page follow along. Screenshots go to
 * test/artifacts/browser/ (gitignored).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, useBrowserStack, VIEWPORTS } from '../support/browser';
import { describe, expect, it } from 'vitest';

const file = useBrowserStack();

const shot = (page: Page, name: string) => file.shot(page, name);

/** Nothing on the page is wider than the window: usable without sideways scrolling. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');
}

async function serviceRow(page: Page, service: string): Promise<string> {
  await page.goto(`${file.stack.url}/status`);
  return (await page.locator('li.row', { hasText: service }).first().innerText()).replace(/\s+/g, ' ').trim();
}

describe.each(VIEWPORTS)('the console at $name size', ({ name, viewport, isMobile }) => {
  it('runs an incident from sign-in to resolved while the status page follows', async () => {
    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const status = await context.newPage();
    const title = `Marketing pages time out (${name})`;

    // Without a session the console sends you to sign in; the skip link is the first stop for keyboards.
    await page.goto(`${file.stack.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.getByLabel('Your name').fill(`Riley ${name}`);
    await page.getByLabel('Admin token').fill(file.stack.token);
    await shot(page, `${name}-1-sign-in`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    await shot(page, `${name}-1b-incidents`);

    // Before anything is published the service is operational on the public page.
    expect(await serviceRow(status, 'marketing-site')).toBe('marketing-site Operational');

    // Declare.
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Severity').last().selectOption('SEV1');
    await page.getByLabel('Service').last().selectOption('marketing-site');
    await page.getByLabel('What is happening').fill('Internal note: CDN origin errors since 09:40');
    await page.getByRole('button', { name: 'Declare incident' }).click();
    await page.getByText('Incident declared.').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain(title);

    // Acknowledge.
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Acknowledged: paging has stopped.').waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    // The customer message is drafted; the communications role publishes it.
    const message = page.getByLabel('Message to customers');
    expect(await message.inputValue()).toMatch(/^We are investigating an outage affecting Website\./);
    await message.fill(`We are investigating slow and failing pages on our website (${name} run). Next update within 30 minutes.`);
    await shot(page, `${name}-2-acknowledged`);
    await message.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, `${name}-2b-customer-message.png`) });
    await page.getByRole('button', { name: 'Publish to status page' }).click();
    await page.getByText('Published to the public status page.').waitFor();

    expect(await serviceRow(status, 'marketing-site')).toBe('marketing-site Major outage');
    const card = status.locator('article', { hasText: `failing pages on our website (${name} run)` });
    expect(await card.innerText()).toContain('Major outage affecting Website');
    expect(await status.content()).not.toContain(title);
    expect(await status.content()).not.toContain(`Riley ${name}`);
    expect(await fitsWidth(status)).toBe(true);
    await shot(status, `${name}-3-status-major-outage`);

    // An internal update stays internal; a public "monitoring" update lowers the state.
    await page.getByLabel('Status', { exact: true }).selectOption('identified');
    await page.getByLabel('Update', { exact: true }).fill('Internal: origin pool exhausted after the cache purge');
    await page.getByRole('button', { name: 'Post update' }).click();
    await page.getByText('Status update posted.').waitFor();
    expect(await page.getByLabel('Status shown to customers').inputValue()).toBe('identified');
    await page.getByLabel('Status shown to customers').selectOption('monitoring');
    await page.getByLabel('Message to customers').fill(`A fix is in place and pages are loading again (${name} run); we are monitoring.`);
    await page.getByRole('button', { name: 'Publish to status page' }).click();
    await page.getByText('Published to the public status page.').waitFor();
    expect(await serviceRow(status, 'marketing-site')).toBe('marketing-site Degraded performance');
    expect(await status.content()).not.toContain('origin pool exhausted');

    // Resolve: the status page says Resolved and the service is operational again.
    await page.getByLabel('Resolution summary').fill('Raised the origin pool limit and re-warmed the cache');
    await page.getByRole('button', { name: 'Resolve incident' }).click();
    await page.getByText('Incident resolved.').waitFor();
    expect(await page.getByLabel('Postmortem (Markdown)').inputValue()).toContain('## Contributing factors by layer of defence');
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, `${name}-4-resolved-console`);

    expect(await serviceRow(status, 'marketing-site')).toBe('marketing-site Operational');
    const past = status.locator('article', { hasText: `pages are loading again (${name} run)` });
    expect(await past.innerText()).toMatch(/Resolved — This incident has been resolved\./);
    await shot(status, `${name}-5-status-resolved`);

    // A refusal is shown as a readable message on the page.
    await page.goto(`${page.url().split('?')[0]}`);
    await page
      .getByRole('heading', { name: 'Change severity' })
      .or(page.locator('legend', { hasText: 'Change severity' }))
      .first()
      .waitFor();
    await page.getByLabel('New severity').selectOption('SEV1');
    await page.getByLabel('Reason').first().fill('No change really');
    await page.getByRole('button', { name: 'Change severity' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('severity is already SEV1');

    // Sign out ends the session.
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await context.close();
  }, 120_000);
});
