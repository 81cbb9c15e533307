/**
 * Editing title, summary and impact start over real HTTP against the running stack: the timeline records old
 * and new, the list (Temporal visibility's memo) and search (the store's projection) show the new title, and
 * bad values are a 400 naming the field. The CLI's `marshal edit` goes the same way.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { useTestStack } from '../support/stack';
import { runCli } from '../support/cli';
import { consoleClient } from '../web/console-client';

const file = useTestStack();

const marshal = (args: string[]) => runCli(file.stack, args);

describe('editing an incident', () => {
  it('records the edit on the timeline, and the list and search show the new title', async () => {
    const run = Date.now().toString(36);
    const declared = await file.api.post<IncidentView>('/api/v1/incidents', { title: `Checkout ~30% errors ${run}`, severity: 'SEV2', service: 'checkout-api' });
    const id = declared.body.id;
    const impact = new Date(Date.parse(declared.body.declaredAt) - 20 * 60_000).toISOString();
    const edited = await file.api.post<IncidentView>(`/api/v1/incidents/${id}/details`, { title: `Checkout 70% errors Kestrelkite ${run}`, summary: 'Gateway answers 500', impactStartedAt: impact });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ title: `Checkout 70% errors Kestrelkite ${run}`, summary: 'Gateway answers 500', impactStartedAt: impact });
    expect(edited.body.timeline.find((event) => event.type === 'details-edited')).toMatchObject({
      type: 'details-edited',
      by: 'admin',
      title: { from: `Checkout ~30% errors ${run}`, to: `Checkout 70% errors Kestrelkite ${run}` },
      impactStartedAt: { to: impact },
    });

    await vi.waitFor(
      async () => {
        const listed = (await file.api.get<{ incidents: { id: string; title: string }[] }>('/api/v1/incidents?status=all&limit=1000')).body.incidents.find((incident) => incident.id === id);
        expect(listed?.title).toBe(`Checkout 70% errors Kestrelkite ${run}`);
      },
      { timeout: 15_000, interval: 250 },
    );
    await vi.waitFor(
      async () => {
        const found = (await file.api.get<{ incidents: { id: string; title: string }[] }>(`/api/v1/incidents?q=Kestrelkite%20${run}`)).body.incidents;
        expect(found.map((incident) => [incident.id, incident.title])).toEqual([[id, `Checkout 70% errors Kestrelkite ${run}`]]);
      },
      { timeout: 15_000, interval: 250 },
    );

    // The console's list and incident page show it too.
    const browser = consoleClient(file.stack.url);
    await browser.signIn(file.stack.token, 'Fran');
    expect((await browser.get('/console?status=all')).html).toContain(`Checkout 70% errors Kestrelkite ${run}`);
    const page = (await browser.get(`/console/incidents/${id}`)).html;
    expect(page).toContain('Impact began');
    expect(page).toContain('Edited title');

    // The CLI edits the same way and shows the impact start.
    const cli = await marshal(['edit', id, '--summary', 'Gateway and CDN answer 500']);
    expect(cli, cli.stderr).toMatchObject({ code: 0, stderr: '' });
    expect((await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body.summary).toBe('Gateway and CDN answer 500');
    const nothing = await marshal(['edit', id]);
    expect(nothing.code).toBe(2);
    const shown = await marshal(['show', id]);
    expect(shown.stdout).toMatch(/impact began\s+\d{4}-/);
    expect(shown.stdout).toContain('edited summary → "Gateway and CDN answer 500"');
  });

  it('refuses a future or malformed impact start, empty edits and hostile text with 400 naming the field', async () => {
    const id = (await file.api.post<IncidentView>('/api/v1/incidents', { title: 'Edit refusals', severity: 'SEV3', service: 'checkout-api' })).body.id;
    const cases: [Record<string, unknown>, string][] = [
      [{ impactStartedAt: new Date(Date.now() + 3600_000).toISOString() }, 'impactStartedAt'],
      [{ impactStartedAt: '2026-13-45T25:00:00Z' }, 'impactStartedAt'],
      [{ impactStartedAt: 'yesterday' }, 'impactStartedAt'],
      [{ impactStartedAt: '2020-01-01T00:00:00Z' }, 'impactStartedAt'],
      [{ title: 'a\u0000b' }, 'title'],
      [{ title: '\udc00' }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ summary: 'x'.repeat(5001) }, 'summary'],
      [{ title: '   ' }, 'title'],
      [{}, 'title'],
      [{ by: 'admin' }, 'title'],
      [{ title: 'ok', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const answer = await file.api.post(`/api/v1/incidents/${id}/details`, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.field).toBe(field);
    }
    expect((await file.api.post(`/api/v1/incidents/${id}/details`, { title: 'Edit refusals' })).status).toBe(409);
    const state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state.timeline.some((event) => event.type === 'details-edited')).toBe(false);
    expect(state.title).toBe('Edit refusals');
    expect((await file.api.post(`/api/v1/incidents/zzzzzzzzzz/details`, { title: 'x' })).status).toBe(404);
  });

  it('edits from the console form, naming the field of a bad impact start', async () => {
    const id = (await file.api.post<IncidentView>('/api/v1/incidents', { title: 'Console edit', severity: 'SEV3', service: 'checkout-api' })).body.id;
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Fran');
    const bad = await browser.post(`/console/incidents/${id}/details`, { _csrf: csrf, title: 'Console edit', summary: '', impactStartedAt: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Impact began must be');
    const future = await browser.post(`/console/incidents/${id}/details`, { _csrf: csrf, title: 'Console edit', summary: '', impactStartedAt: '2099-01-01T00:00' });
    expect(future.status).toBe(400);
    expect(future.html).toContain('in the future');
    const ok = await browser.post(`/console/incidents/${id}/details`, { _csrf: csrf, title: 'Console edit, renamed', summary: 'Now with a summary', impactStartedAt: '' });
    expect(ok.status, ok.html.slice(0, 500)).toBe(303);
    expect(ok.location).toContain('done=edited');
    const state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state).toMatchObject({ title: 'Console edit, renamed', summary: 'Now with a summary' });
    expect(state.timeline.find((event) => event.type === 'details-edited')).toMatchObject({ by: 'Fran' });
  });
});
