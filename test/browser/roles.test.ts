/**
 * Roles and edits on the incident page, in real Chromium at laptop and phone size: "No responder needed?" sits
 * folded under Acknowledge (which stays on the first screen), the edit form changes the title and impact start,
 * and a commander handed the role sees the notes, the due-next entry and an Accept button that records it.
 * Screenshots go to test/artifacts/browser/roles-*.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserStack, VIEWPORTS } from '../support/browser';
import { apiClient } from '../support/stack';

const file = useBrowserStack('roles-');

describe.each(VIEWPORTS)('roles and edits at $name size', ({ name, viewport, isMobile }) => {
  it('edits the incident, and the incoming commander accepts the handoff with its notes in view', async () => {
    const api = apiClient(file.stack.url, file.stack.token);
    const declared = await api.post('/api/v1/incidents', { title: `Card payments ~30% failing (${name})`, severity: 'SEV2', service: 'checkout-api', summary: 'Card authorisations time out.' });
    expect(declared.status).toBe(201);
    const id = declared.body.id as string;

    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${file.stack.url}/console/login`);
    await page.getByLabel('Your name').fill('carol');
    await page.getByLabel('Admin token').fill(file.stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${file.stack.url}/console/incidents/${id}`);

    // Unacknowledged: Acknowledge first and on screen; the triage is there but folded.
    const acknowledge = page.getByRole('button', { name: 'Acknowledge' });
    const box = await acknowledge.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
    const triage = page.locator('details.triage');
    expect(await triage.locator('summary').innerText()).toBe('No responder needed?');
    expect(await triage.getByRole('button', { name: 'Stop paging: no responder needed' }).isVisible()).toBe(false);
    await file.shot(page, `${name}-1-unacknowledged`);

    // Alice takes it and is commander; carol edits the title and impact start from the folded form.
    expect((await api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'alice' })).status).toBe(200);
    expect((await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'alice', by: 'alice' })).status).toBe(200);
    await page.reload();
    expect(await page.locator('details.triage').count()).toBe(0);
    await page.locator('details.edit-details summary').click();
    await page.getByLabel('Title').fill(`Card payments 70% failing (${name})`);
    await page.getByLabel('Impact began (UTC)').fill(new Date(Date.now() - 25 * 60_000).toISOString().slice(0, 16));
    await file.shot(page, `${name}-2-edit-form`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Details edited.').waitFor();
    expect(await page.locator('h1').innerText()).toContain(`Card payments 70% failing (${name})`);
    expect(await page.locator('#live-facts').innerText()).toContain('Impact began');
    expect(await page.getByRole('button', { name: 'Lower severity' }).count()).toBe(1);

    // Alice hands the commander role to carol, with notes: carol sees them, the due-next entry, and Accept.
    const notes = 'Rolled back the gateway timeout change; card auths recovering. Watch the fraud-scoring queue.';
    expect((await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'carol', notes, by: 'alice' })).status).toBe(200);
    await page.reload();
    const handoff = page.locator('.act-now', { hasText: 'handed you the commander role' });
    expect(await handoff.innerText()).toContain(notes);
    expect(await page.locator('.due', { hasText: 'Commander handoff awaiting acceptance by carol' }).count()).toBe(1);
    const accept = page.getByRole('button', { name: 'Accept handoff' });
    const acceptBox = await accept.boundingBox();
    expect(acceptBox!.y + acceptBox!.height).toBeLessThanOrEqual(viewport.height);
    await file.shot(page, `${name}-3-handoff-to-accept`);
    await accept.click();
    await page.getByText('You accepted the commander handoff.').waitFor();
    expect(await page.locator('.due', { hasText: 'Commander handoff' }).count()).toBe(0);
    expect(await page.locator('#timeline-heading-section').innerText()).toContain('carol accepted the commander handoff from alice');
    await file.shot(page, `${name}-4-accepted`);
    const state = (await api.get(`/api/v1/incidents/${id}`)).body;
    expect(state.roles.commander).toBe('carol');
    expect(state.pendingHandoff).toBeUndefined();
    await context.close();
  });
});
