/**
 * The Insights page in a real Chromium, at laptop and phone size, after a few incidents were declared and
 * acknowledged: the server-drawn SVG charts render with a size and marks in them, the strict CSP blocks
 * nothing on the page, and nothing is wider than the window. Screenshots go to test/artifacts/browser/
 * (gitignored) for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import { ARTIFACTS, launchChromium, VIEWPORTS } from '../support/browser';
import { apiClient, startTestStack } from '../support/stack';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
  const api = apiClient(stack.url, stack.token);
  const declared: string[] = [];
  for (const [title, severity, team] of [
    ['Checkout latency above SLO', 'SEV2', 'payments'],
    ['Ledger replication lag', 'SEV1', 'payments'],
    ['Gateway 502s in eu-west', 'SEV2', 'platform'],
    ['Search index stale', 'SEV3', 'platform'],
  ] as const) {
    const answer = await api.post('/api/v1/incidents', { title, severity, team, reporter: 'dana' });
    expect(answer.status).toBe(201);
    declared.push(answer.body.id);
  }
  for (const [index, by] of ['alice', 'bob', 'carol'].entries()) await api.post(`/api/v1/incidents/${declared[index]}/acknowledge`, { by });
  await api.post(`/api/v1/incidents/${declared[1]}/action-items`, { title: 'Alert on replication lag', owner: 'erin', dueAt: new Date(Date.now() + 1000).toISOString() });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-screen.png`) });
}

describe.each(VIEWPORTS)('the Insights page at $name size', ({ name, viewport, isMobile }) => {
  it('draws the charts and fits the window', async () => {
    const context = await browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });

    await page.goto(`${stack.url}/console/insights`);
    await page.getByLabel('Your name').fill(`Sam ${name}`);
    await page.getByLabel('Admin token').fill(stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Insights across incidents', level: 1 }).waitFor();

    // The store is eventually consistent: reload until all four incidents and their acknowledgements are in.
    await vi.waitFor(
      async () => {
        await page.reload();
        const status = await page.getByRole('status').first().innerText();
        if (!/^4 incidents/.test(status)) throw new Error(`not projected yet: ${status}`);
        if ((await page.locator('#chart-ack-title').count()) === 0) throw new Error('no acknowledgement chart yet');
      },
      { timeout: 30_000, interval: 500 },
    );

    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(2);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box && box.width > 100 && box.height > 50, `chart box ${JSON.stringify(box)}`).toBe(true);
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
      expect(await chart.locator('path, rect, circle').count()).toBeGreaterThan(0);
      expect((await chart.locator('title').first().textContent())?.length).toBeGreaterThan(0);
    }
    expect(await page.locator('svg.chart circle').count()).toBeGreaterThan(0);
    expect(await page.getByRole('img', { name: 'Time to acknowledge, per week' }).count()).toBe(1);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await shot(page, `${name}-insights`);
    for (const report of ['response', 'paging', 'hygiene', 'follow-through']) {
      await page.locator(`section[aria-labelledby="report-${report}"]`).screenshot({ path: join(ARTIFACTS, `${name}-insights-${report}.png`) });
    }

    // A CSV link downloads under the session.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[href^="/console/insights/response.csv"]').first().click()]);
    expect(download.suggestedFilename()).toBe('response-by_severity_and_team.csv');

    // A bad window is a readable page with the form to correct it.
    await page.goto(`${stack.url}/console/insights?from=2026-02-01&to=2026-01-01`);
    expect(await page.getByRole('alert').innerText()).toContain('"from" must be before "to"');
    await shot(page, `${name}-insights-refused`);

    await page.goto(`${stack.url}/console/action-items`);
    await page.getByRole('heading', { name: 'Action items', level: 1 }).waitFor();
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await shot(page, `${name}-action-items`);

    await page.goto(`${stack.url}/console`);
    await page.getByLabel('Search all incidents').fill('replication');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Ledger replication lag').first().waitFor();
    await shot(page, `${name}-search`);

    expect(blocked).toEqual([]);
    await context.close();
  }, 120_000);
});
