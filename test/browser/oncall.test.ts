/**
 * The on-call pages in a real Chromium at laptop and phone size: who is on call now, a team's 14-day
 * picture, adding an override with the form and removing it again. Screenshots go to
 * test/artifacts/browser/oncall-* (gitignored) to be looked at as a responder at 3 a.m. would.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useBrowserStack, VIEWPORTS } from '../support/browser';

const file = useBrowserStack('oncall-');

const shot = (page: Page, name: string) => file.shot(page, name);

const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');

/** "2026-11-30T07:00" in UTC, as the datetime-local control takes it. */
const local = (at: number) => new Date(at).toISOString().slice(0, 16);

describe.each(VIEWPORTS)('the on-call pages at $name size', ({ name, viewport, isMobile }) => {
  it('show who is on call, the 14-day picture, and take an override and its removal', async () => {
    const context = await file.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${file.stack.url}/console/oncall`);
    await page.getByLabel('Your name').fill(`Sam ${name}`);
    await page.getByLabel('Admin token').fill(file.stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'On call now', level: 1 }).waitFor();
    expect(await page.locator('section.oncall-team').count()).toBe(3);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, `${name}-1-now`);

    await page.getByRole('link', { name: 'Schedule and overrides for Payments' }).click();
    await page.getByRole('heading', { name: 'Payments on call', level: 1 }).waitFor();
    const picture = page.getByRole('img', { name: /Payments on call, next 14 days/ });
    expect(await picture.isVisible()).toBe(true);
    const box = (await picture.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(viewport.width);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, `${name}-2-schedule`);
    await picture.screenshot({ path: join(ARTIFACTS, `oncall-${name}-2b-picture.png`) });

    // Ivan holds the primary for the next two hours: the picture shows the override, the card says so.
    const start = Date.now() - 60_000;
    await page.getByLabel('Who covers').selectOption('ivan');
    await page.getByLabel('From', { exact: true }).fill(local(start));
    await page.getByLabel('Until', { exact: true }).fill(local(start + 2 * 3_600_000));
    await page.getByLabel('Why', { exact: true }).fill(`Release night (${name})`);
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.getByText('Override added.').waitFor();
    expect(await page.locator('.oncall-person').first().innerText()).toContain('Ivan Petrov');
    expect(await page.locator('svg.schedule g.shift title', { hasText: /primary: Ivan Petrov \(override/ }).count()).toBeGreaterThan(0);
    await shot(page, `${name}-3-override`);
    await page.getByRole('heading', { name: 'Overrides and swaps' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, `oncall-${name}-4-overrides-screen.png`) });

    // Keyboard reaches the remove button, and removing it puts the rotation back.
    const remove = page.getByRole('button', { name: /^Remove override ovr-/ }).first();
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Override removed.').waitFor();
    expect(await page.getByRole('button', { name: /^Remove override ovr-/ }).count()).toBe(0);
    await context.close();
  });
});
