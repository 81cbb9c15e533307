/**
 * The signed "Post an update" and "Accept handoff" links in real Chromium at laptop and phone size, with no
 * console session: the update link opens a form (the message box and Post on the first screen, usable with a
 * thumb), an empty message is refused with a page naming the field (the link still works), a message posts
 * as the person, and the link then says it was used. The accept link takes over as the incoming commander.
 * Screenshots go to test/artifacts/browser/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import type { NotificationAction } from '../../activities/channels';
import { signActionLink } from '../../common/action-links';
import type { IncidentView } from '../../workflows/incident-view';
import { useBrowserStack, VIEWPORTS } from '../support/browser';
import { apiClient } from '../support/stack';

const SECRET = 'browser-action-links-secret-browser-action-links';
const file = useBrowserStack('action-link-', { linkSecret: SECRET });
const shot = (page: Page, name: string) => file.shot(page, name);

/** Script errors, CSP violations, and any resource but the link pages themselves (and the favicon probe) failing. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && errors.push(message.text()));
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && !['/console/update', '/console/accept-handoff', '/favicon.ico'].includes(path)) errors.push(`${response.status()} ${path}`);
  });
  return errors;
}

/** The element lies within the viewport's width and above its fold: reachable without scrolling or zooming. */
async function onFirstScreen(page: Page, locator: ReturnType<Page['locator']>, viewport: { width: number; height: number }) {
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  return box;
}

describe.each(VIEWPORTS)('the action links at $name size', ({ name, viewport, isMobile }) => {
  it('Post an update: a form, an empty message refused without spending the link, posted as the person, then used', async () => {
    const api = apiClient(file.stack.url, file.stack.token);
    const { body: incident } = await api.post<IncidentView>('/api/v1/incidents', { title: `Card payments failing for EU customers (${name})`, severity: 'SEV2', service: 'checkout-api' });
    await api.post(`/api/v1/incidents/${incident.id}/acknowledge`, { by: 'carol' });
    await api.post(`/api/v1/incidents/${incident.id}/updates`, { status: 'investigating', message: 'Acquirer timeouts since 02:10 UTC; looking at the EU gateway.', by: 'carol' });
    const link = `${file.stack.url}/console/update?t=${await signActionLink(SECRET, { purpose: 'update', personId: 'carol', incidentId: incident.id })}`;

    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Post a status update');
    const main = await page.locator('main').innerText();
    expect(main).toContain(`Card payments failing for EU customers (${name})`);
    expect(main).toContain('SEV2');
    expect(main).toContain('Carol Singh');
    expect(main).toContain('Acquirer timeouts since 02:10 UTC');
    // The message box and Post are on the first screen and fit the width; Post is a thumb-sized target.
    const message = page.getByRole('textbox', { name: 'Update' });
    await onFirstScreen(page, message, viewport);
    const post = page.getByRole('button', { name: 'Post' });
    const button = await onFirstScreen(page, post, viewport);
    expect(button.height).toBeGreaterThanOrEqual(44);
    await shot(page, `${name}-update-1-form`);

    // An empty message (the browser's own check bypassed, as a script or old browser would): 400, the field named, nothing posted.
    await page.locator('form[action="/console/update"]').evaluate((form) => form.setAttribute('novalidate', ''));
    await post.click();
    await page.waitForURL(`${file.stack.url}/console/update`);
    expect(await page.getByRole('alert').innerText()).toContain('Update is required');
    expect(await page.getByRole('alert').innerText()).toContain('your link still works');
    await shot(page, `${name}-update-2-refused`);
    expect((await api.get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body.statusUpdates).toHaveLength(1);

    await page.getByRole('textbox', { name: 'Update' }).fill('EU gateway connection pool exhausted; raised the limit, error rate falling. Next update 03:30 UTC.');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('identified');
    await page.getByRole('button', { name: 'Post' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Update posted');
    expect(await page.getByRole('status').innerText()).toContain('Posted as Carol Singh');
    await shot(page, `${name}-update-3-posted`);
    expect((await api.get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body.statusUpdates.at(-1)).toMatchObject({ by: 'carol', status: 'identified' });

    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('This link was already used');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Accept handoff: the notice link shows who hands over with the notes, and accepts as the incoming commander', async () => {
    const api = apiClient(file.stack.url, file.stack.token);
    const { body: incident } = await api.post<IncidentView>('/api/v1/incidents', { title: `Refund batch stuck (${name})`, severity: 'SEV3', service: 'checkout-api' });
    await api.post(`/api/v1/incidents/${incident.id}/acknowledge`, { by: 'alice' });
    await api.post(`/api/v1/incidents/${incident.id}/roles`, { role: 'commander', person: 'carol' });
    await api.post(`/api/v1/incidents/${incident.id}/roles`, { role: 'commander', person: 'dan', by: 'carol', notes: 'Batch 42 half replayed; do not rerun it.' });
    const link = await vi.waitFor(
      () => {
        const notice = file.stack.inbox.received
          .map((delivery) => delivery.json as { kind: string; incident: { id: string }; actions?: NotificationAction[] })
          .find((json) => json.incident.id === incident.id && json.kind === 'handoff');
        const accept = notice?.actions?.find((action) => action.kind === 'accept-handoff');
        expect(accept).toBeDefined();
        return accept!.url;
      },
      { timeout: 30_000, interval: 200 },
    );
    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Take over as commander?');
    expect(await page.locator('main').innerText()).toContain('Batch 42 half replayed; do not rerun it.');
    const accept = page.getByRole('button', { name: 'Accept handoff' });
    await onFirstScreen(page, accept, viewport);
    await shot(page, `${name}-handoff-1-confirm`);
    await accept.click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('You are the commander');
    await shot(page, `${name}-handoff-2-accepted`);
    expect((await api.get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body.timeline.at(-1)).toMatchObject({ type: 'handoff-accepted', by: 'dan' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
