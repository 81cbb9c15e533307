/**
 * The incident page as a command view, in real Chromium at laptop and phone size: the "Due next" panel
 * counts down, Acknowledge is on the first screen of a phone, the list flags an unacknowledged incident,
 * keyboard shortcuts act, and a command sent through the API reaches the open page through its event stream.
 * Screenshots go to test/artifacts/browser/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useBrowserStack, VIEWPORTS } from '../support/browser';
import { apiClient } from '../support/stack';

const file = useBrowserStack();

const shot = (page: Page, name: string) => file.shot(page, name);

describe.each(VIEWPORTS)('the command view at $name size', ({ name, viewport, isMobile }) => {
  it('counts down what is due, puts Acknowledge first and follows changes live', async () => {
    const api = apiClient(file.stack.url, file.stack.token);
    const declared = await api.post('/api/v1/incidents', { title: `Checkout pages return 502 for EU customers (${name})`, severity: 'SEV1', service: 'marketing-site' });
    expect(declared.status).toBe(201);
    const id = declared.body.id as string;

    // The event stream is for signed-in people only.
    const anonymous = await fetch(`${file.stack.url}/console/incidents/${id}/events`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);

    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${file.stack.url}/console/login`);
    await page.getByLabel('Your name').fill(`Sam ${name}`);
    await page.getByLabel('Admin token').fill(file.stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The list flags the incident nobody has taken.
    const row = page.locator('tr', { hasText: `(${name})` });
    expect(await row.locator('.flag').allInnerTexts()).toContain('Unacknowledged');
    await shot(page, `${name}-cmd-1-list`);

    // The escalation starts in the workflow just after declaring: reload until the panel shows its next step.
    await page.goto(`${file.stack.url}/console/incidents/${id}`);
    for (let tries = 0; tries < 20 && (await page.locator('.due', { hasText: 'Escalation' }).count()) === 0; tries++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    const countdown = page.locator('.due', { hasText: 'Escalation' }).locator('time[data-countdown]');
    const first = await countdown.innerText();
    await page.waitForTimeout(1_100);
    const second = await countdown.innerText();
    expect(first).toMatch(/^(in|overdue by) /);
    expect(second).not.toBe(first);

    // Acknowledge is on the first screen, whatever its size.
    const acknowledge = page.getByRole('button', { name: 'Acknowledge' });
    const box = await acknowledge.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-cmd-2-unacknowledged-screen.png`) });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-cmd-2-unacknowledged.png`), fullPage: true });

    // A status update sent through the API appears on the open page without a reload.
    const message = `Rolled back the edge config; 502s falling (${name}, via the API)`;
    await page.evaluate('window.__sameDocument = true');
    expect((await api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message })).status).toBe(200);
    await page.locator('#updates-heading-section').getByText(message).waitFor({ timeout: 15_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await page.locator('#live-note').innerText()).toMatch(/^Updated /);

    if (!isMobile) {
      // Keyboard: u focuses the update, a acknowledges.
      await page.keyboard.press('u');
      expect(await page.evaluate('document.activeElement.id')).toBe('u-message');
      await page.evaluate('document.activeElement.blur()');
      await page.keyboard.press('a');
    } else {
      await acknowledge.click();
    }
    await page.getByText('Acknowledged: paging has stopped.').waitFor();
    expect(await page.locator('.due', { hasText: 'Status update' }).count()).toBe(1);
    await shot(page, `${name}-cmd-3-acknowledged`);
    await page.locator('#pages-heading-section').screenshot({ path: join(ARTIFACTS, `${name}-cmd-4-pages.png`) });
    await page.locator('#timeline-heading-section').screenshot({ path: join(ARTIFACTS, `${name}-cmd-5-timeline.png`) });
    await context.close();
  }, 120_000);
});
