/**
 * The one-click Acknowledge from a page, in real Chromium at laptop and phone size, with no console
 * session: the link from the webhook page opens a confirmation naming the incident and the person, the
 * button acknowledges as them, and the same link opened again says it was used. Screenshots go to
 * test/artifacts/browser/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import type { NotificationAction } from '../../activities/channels';
import { useBrowserStack, VIEWPORTS } from '../support/browser';
import { apiClient } from '../support/stack';

const file = useBrowserStack('ack-link-');
const shot = (page: Page, name: string) => file.shot(page, name);

interface WebhookPage {
  kind: string;
  incident: { id: string; url: string };
  recipient: { personId: string; name: string };
  actions: NotificationAction[];
}

describe.each(VIEWPORTS)('the Acknowledge link at $name size', ({ name, viewport, isMobile }) => {
  it('opens a confirmation, acknowledges as the paged person on click, and refuses a second use', async () => {
    const api = apiClient(file.stack.url, file.stack.token);
    const { body: incident } = await api.post('/api/v1/incidents', { title: `Payments API timing out for card checkouts (${name})`, severity: 'SEV1', service: 'marketing-site' });
    const paged = await vi.waitFor(
      () => {
        const found = file.stack.inbox.received.map((r) => r.json as WebhookPage).find((json) => json.incident.id === incident.id && json.actions?.some((a) => a.kind === 'acknowledge'));
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(paged.incident.url).toBe(`${file.stack.url}/console/incidents/${incident.id}`);
    const link = paged.actions.find((action) => action.kind === 'acknowledge')!.url;

    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    // Script errors, CSP violations, and any resource but the link page itself (and the browser's favicon probe) failing.
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && errors.push(message.text()));
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (response.status() >= 400 && path !== '/console/ack' && path !== '/favicon.ico') errors.push(`${response.status()} ${path}`);
    });
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Acknowledge this incident?');
    expect(await page.locator('main').innerText()).toContain(paged.recipient.name);
    expect(await page.locator('main').innerText()).toContain(`Payments API timing out for card checkouts (${name})`);
    // The one button is on the first screen, whatever its size.
    const button = page.getByRole('button', { name: 'Acknowledge' });
    const box = await button.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
    await shot(page, `${name}-1-confirm`);
    expect((await api.get(`/api/v1/incidents/${incident.id}`)).body.acknowledgedAt).toBeUndefined();

    await button.click();
    await page.waitForURL(`${file.stack.url}/console/ack`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Acknowledged');
    expect(await page.getByRole('status').innerText()).toContain(`Acknowledged as ${paged.recipient.name}`);
    await shot(page, `${name}-2-acknowledged`);
    expect((await api.get(`/api/v1/incidents/${incident.id}`)).body.acknowledgedBy).toBe(paged.recipient.personId);

    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('This link was already used');
    expect(await page.locator('main').innerText()).toContain(`Acknowledged by ${paged.recipient.name}`);
    await shot(page, `${name}-3-used`);

    const tampered = await page.goto(`${link.slice(0, -3)}${link.endsWith('AAA') ? 'BBB' : 'AAA'}`);
    expect(tampered?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('This link cannot be used');
    await shot(page, `${name}-4-refused`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
