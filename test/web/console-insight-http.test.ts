/**
 * The console's insight pages over real HTTP: reports with SVG charts and CSV under the session, action
 * items with overdue ones marked, search from the incident list; hostile filters get a readable 400 page
 * naming the field, never a trace. Incidents reach the store within about a second, so reads wait for them.
 */
import { describe, expect, it, vi } from 'vitest';
import { useTestStack } from '../support/stack';
import { consoleClient, type ConsoleAnswer } from './console-client';

const file = useTestStack();
const TRACE = /at .*\.ts:\d+|Error:|node_modules/;

async function signedIn() {
  const browser = consoleClient(file.stack.url);
  await browser.signIn(file.stack.token, 'Quinn');
  return browser;
}

function expectReadable400(answer: ConsoleAnswer, field: string) {
  expect(answer.status, answer.html.slice(0, 500)).toBe(400);
  expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  expect(answer.html).toContain(`&#34;${field}&#34;`);
  expect(answer.html).toMatch(/role="alert"/);
  expect(answer.html).not.toMatch(TRACE);
}

describe('console insight', () => {
  const run = Date.now().toString(36);
  const ids: string[] = [];

  it('shows every report with charts and tables, and serves each table as CSV under the session', async () => {
    for (const [index, severity] of ['SEV2', 'SEV3'].entries()) {
      const declared = await file.api.post('/api/v1/incidents', { title: `Console insight ${run} cache stampede ${index}`, severity, team: 'platform', reporter: 'dana' });
      expect(declared.status).toBe(201);
      ids.push(declared.body.id);
    }
    await file.api.post(`/api/v1/incidents/${ids[0]}/acknowledge`, { by: 'alice' });
    await file.api.post(`/api/v1/incidents/${ids[0]}/updates`, { status: 'investigating', message: `Warming the ${run} cache slowly`, public: false, by: 'alice' });
    const item = await file.api.post(`/api/v1/incidents/${ids[1]}/action-items`, { title: `Rate-limit ${run} refills`, owner: 'carol', dueAt: new Date(Date.now() + 1500).toISOString() });
    expect(item.status).toBe(201);

    const browser = await signedIn();
    const page = await vi.waitFor(
      async () => {
        const answer = await browser.get('/console/insights?team=platform');
        if (!/<strong>\d+ incidents?<\/strong>/.test(answer.html) || !answer.html.includes('chart-ack')) throw new Error('not projected yet');
        return answer;
      },
      { timeout: 20_000, interval: 300 },
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const heading of ['Response times', 'Paging', 'Paging hygiene', 'Severity', 'Follow-through']) expect(page.html).toContain(`>${heading}</h2>`);
    // Charts are inline SVG with a name and a description; the time to acknowledge reads in words.
    expect(page.html).toMatch(/<svg class="chart"[^>]*role="img" aria-labelledby="chart-ack-title chart-ack-desc"/);
    expect(page.html).toContain('<title id="chart-ack-title">Time to acknowledge, per week</title>');
    expect(page.html).toMatch(/<td data-label="To acknowledge \(median\)">(\d+[dhms] ?)+<\/td>/);
    expect(page.html).toContain('<caption class="sr-only">Response times: By severity and team</caption>');
    expect(page.html).not.toContain('style=');
    expect(page.html).toContain('href="/console/insights"');

    const href = /href="(\/console\/insights\/response\.csv\?[^"]+)"/.exec(page.html)![1].replace(/&#38;/g, '&');
    expect(href).toBe('/console/insights/response.csv?team=platform&table=by_severity_and_team');
    const csv = await browser.get(href);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="response-by_severity_and_team.csv"');
    expect(csv.html.split('\r\n')[0]).toBe('severity,team,incidents,ack_p50_s,ack_p90_s,first_public_update_p50_s,first_public_update_p90_s,resolve_p50_s,resolve_p90_s');
    // The same CSV as the bearer API's.
    const api = await fetch(`${file.stack.url}/api/v1/analytics/response?team=platform&format=csv&table=by_severity_and_team&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
      headers: { Authorization: `Bearer ${file.stack.token}` },
    });
    expect((await api.text()).split('\r\n')[0]).toBe(csv.html.split('\r\n')[0]);
    // Without a session, no CSV.
    expect((await consoleClient(file.stack.url).get(href)).status).toBe(303);
    expect((await browser.get('/console/insights/paging.csv?table=nope')).status).toBe(400);
    expect((await browser.get('/console/insights/nope.csv')).status).toBe(404);

    // A window with nothing in it says so.
    const empty = await browser.get('/console/insights?from=2001-01-01&to=2001-02-01');
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('No incidents in this window');
    expect(empty.html).not.toContain('<svg');
  });

  it('refuses hostile filters with a readable 400 page naming the field', async () => {
    const browser = await signedIn();
    expectReadable400(await browser.get('/console/insights?team=pay%00ments'), 'team');
    expectReadable400(await browser.get(`/console/insights?person=${'x'.repeat(300)}`), 'person');
    expectReadable400(await browser.get('/console/insights?from=yesterday'), 'from');
    expectReadable400(await browser.get('/console/insights?from=2026-13-45'), 'from');
    expectReadable400(await browser.get('/console/insights?from=2026-02-01&to=2026-01-01'), 'from');
    expectReadable400(await browser.get('/console/insights?team=a&team=b'), 'team');
    expectReadable400(await browser.get(`/console/insights/paging.csv?service=${'s'.repeat(300)}`), 'service');
    expectReadable400(await browser.get('/console/action-items?state=lost'), 'state');
    expectReadable400(await browser.get('/console/action-items?owner=%00'), 'owner');
    expectReadable400(await browser.get(`/console?q=${'y'.repeat(300)}`), 'q');
    // The refused value is not echoed at length, and the form is still there to correct it.
    const long = await browser.get(`/console/insights?person=${'x'.repeat(300)}`);
    expect(long.html).not.toContain('x'.repeat(101));
    expect(long.html).toContain('<form class="filters" method="get" action="/console/insights"');
    // Empty fields from the form mean "any".
    expect((await browser.get('/console/insights?team=&severity=&service=&person=&from=&to=')).status).toBe(200);
  });

  it('lists action items across incidents with overdue ones marked and linked to their incident', async () => {
    const browser = await signedIn();
    const page = await vi.waitFor(
      async () => {
        const answer = await browser.get('/console/action-items?owner=carol&overdue=true');
        if (!answer.html.includes(`Rate-limit ${run} refills`)) throw new Error('item not overdue in the store yet');
        return answer;
      },
      { timeout: 20_000, interval: 300 },
    );
    expect(page.status).toBe(200);
    const row = new RegExp(`<tr class="overdue">[\\s\\S]*?Rate-limit ${run} refills[\\s\\S]*?</tr>`).exec(page.html)![0];
    expect(row).toContain('<strong class="overdue-word">Overdue</strong>');
    expect(row).toContain(`href="/console/incidents/${ids[1]}"`);
    expect(page.html).toMatch(/<input type="checkbox" id="a-overdue" name="overdue" value="true" checked>/);
    const done = await browser.get('/console/action-items?owner=carol&state=completed');
    expect(done.html).not.toContain(`Rate-limit ${run} refills`);
    expect(done.html).toContain('No action items match these filters.');
  });

  it('searches titles, summaries and updates from the incident list', async () => {
    const browser = await signedIn();
    const found = await vi.waitFor(
      async () => {
        const answer = await browser.get(`/console?q=${encodeURIComponent(`warming ${run}`)}`);
        if (!answer.html.includes(`/console/incidents/${ids[0]}`)) throw new Error('update not searchable yet');
        return answer;
      },
      { timeout: 20_000, interval: 300 },
    );
    expect(found.html).toContain(`1 incident matching “warming ${run}”`);
    expect(found.html).not.toContain(`/console/incidents/${ids[1]}"`);
    expect(found.html).toContain(`value="warming ${run}"`);
    const none = await browser.get(`/console?q=${encodeURIComponent("'); DROP TABLE incidents; --")}`);
    expect(none.status).toBe(200);
    expect(none.html).toContain('No incident mentions all of these words.');
    // No query is the usual list.
    expect((await browser.get('/console?q=')).html).toContain('aria-label="Filter incidents"');
  });
});
