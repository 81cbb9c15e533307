/**
 * My pages in real Chromium at laptop and phone size: a declared SEV2 lands in the paged person's inbox, the
 * header counts it, the list points there, Acknowledge on the page acts as them and brings them back, and
 * an acknowledgement made elsewhere reaches the open page live. A hostile, long title stays text and wraps. Screenshots go to test/artifacts/browser/.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { join } from 'node:path';
import { ARTIFACTS, useBrowserStack, VIEWPORTS } from '../support/browser';
import { withoutRestRule } from '../support/policy';
import { apiClient, firstPaged } from '../support/stack';

// Both incidents page the same person, day or night: with the rest rule on, a night SEV2 page sends them to rest
// (the next page goes to their cover) and its notice lands after the second page.
const file = useBrowserStack('', {}, withoutRestRule());

describe.each(VIEWPORTS)('My pages at $name size', ({ name, viewport, isMobile }) => {
  it('shows the paged person their page first, with Acknowledge that acts as them', async () => {
    const api = apiClient(file.stack.url, file.stack.token);
    const declare = async (title: string) => {
      const declared = await api.post<IncidentView>('/api/v1/incidents', { title, severity: 'SEV2', service: 'checkout-api' });
      expect(declared.status).toBe(201);
      return declared.body.id;
    };
    /** Who the incident paged, once the page is in their inbox. */
    const inInbox = async (incident: string) => {
      const person = await firstPaged(api, incident);
      await vi.waitFor(async () => expect((await file.stack.store!.inbox.of(person)).map((entry) => entry.incidentId)).toContain(incident), { timeout: 15_000, interval: 100 });
      return person;
    };
    // One after the other: My pages lists by delivery, newest first, and two pages in flight may land in either order.
    const older = await declare(`<script>alert("${name}")</script> Ledger writes time out ${'and keep timing out '.repeat(5)}`);
    const pagedFirst = await inInbox(older);
    const id = await declare(`Checkout returns 500s for card payments (${name})`);
    const paged = await inInbox(id);
    expect(paged).toBe(pagedFirst);

    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => void dialogs.push(dialog.message()));
    await page.goto(`${file.stack.url}/console/login`);
    await page.getByLabel('Your name').fill(paged);
    await page.getByLabel('Admin token').fill(file.stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The list opens with what waits for this person, and the header counts it.
    const badge = page.locator('header .badge');
    expect(Number(await badge.innerText())).toBeGreaterThanOrEqual(2);
    await page
      .getByText(/paged you and waits? for acknowledgement/)
      .first()
      .waitFor();
    await file.shot(page, `${name}-mine-1-list`);

    await page
      .getByRole('link', { name: /My pages/ })
      .first()
      .click();
    await page.waitForURL(/\/console\/mine$/);
    const newest = page.locator('li.my-page').first();
    expect(await newest.locator('.my-page-title').innerText()).toBe(`Checkout returns 500s for card payments (${name})`);
    expect(await newest.locator('.flag').innerText()).toBe('Unacknowledged');
    const acknowledge = newest.getByRole('button', { name: 'Acknowledge' });
    const box = await acknowledge.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
    expect(
      await page
        .locator('li.my-page', { hasText: `alert("${name}")` })
        .locator('.my-page-title')
        .innerText(),
    ).toContain(`<script>alert("${name}")</script>`);
    await file.shot(page, `${name}-mine-2-waiting`);

    await acknowledge.click();
    await page.getByText('Acknowledged: paging has stopped.').waitFor();
    expect((await api.get<IncidentView>(`/api/v1/incidents/${id}`)).body.acknowledgedBy).toBe(paged);
    expect(
      await page
        .locator('li.my-page', { hasText: `(${name})` })
        .locator('.flag')
        .count(),
    ).toBe(0);
    await file.shot(page, `${name}-mine-3-acknowledged`);

    // Acknowledged elsewhere (here through the API): the open page follows without a reload.
    await page.evaluate('window.__sameDocument = true');
    expect((await api.post(`/api/v1/incidents/${older}/acknowledge`, { by: paged })).status).toBe(200);
    // Only this size's incidents: the other size's run shares the stack.
    await vi.waitFor(async () => expect(await page.locator('li.my-page', { hasText: name }).locator('.flag').count()).toBe(0), { timeout: 20_000, interval: 250 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await page.locator('#live-note').innerText()).toMatch(/^Updated /);

    // A channel that fails: the incident's Pages section says delivered to the inbox and shows the receiver's answer.
    file.stack.inbox.failNext(1, 410);
    const failing = await declare(`Fraud scoring rejects every card (${name})`);
    await vi.waitFor(
      async () => {
        const pages = (await api.get<IncidentView>(`/api/v1/incidents/${failing}`)).body.pages;
        expect(pages.length).toBeGreaterThan(0);
        expect(pages.every((entry) => entry.outcome !== 'sending')).toBe(true);
      },
      { timeout: 20_000, interval: 200 },
    );
    await page.goto(`${file.stack.url}/console/incidents/${failing}`);
    const section = page.locator('#pages-heading-section');
    expect(await section.innerText()).toMatch(/delivered by inbox[\s\S]*not delivered: webhook to 127\.0\.0\.1:\d+ answered 410: simulated failure/);
    expect(await section.innerText()).not.toContain('sending…');
    await section.screenshot({ path: join(ARTIFACTS, `${name}-mine-4-incident-pages.png`) });
    expect((await api.post(`/api/v1/incidents/${failing}/acknowledge`, { by: paged })).status).toBe(200);
    await page.goBack();

    // The page's title links to the incident.
    await page
      .locator('li.my-page', { hasText: `Checkout returns 500s for card payments (${name})` })
      .locator('a.my-page-title')
      .click();
    await page.waitForURL(new RegExp(`/console/incidents/${id}`));
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
