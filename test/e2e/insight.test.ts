/**
 * Insight across incidents through the real API: incidents driven over HTTP on a real Temporal dev server
 * reach the store within a second or two, and analytics, action items, search and CSV answer from it with
 * figures recomputed here from the incidents' own timelines (GET …/timeline).
 */
import { describe, expect, it, vi } from 'vitest';
import type { TimelineEvent } from '../../workflows/incident-state';
import { useTestStack } from '../support/stack';

const file = useTestStack();

async function timeline(id: string): Promise<TimelineEvent[]> {
  return (await file.api.get<{ events: TimelineEvent[] }>(`/api/v1/incidents/${id}/timeline?limit=1000`)).body.events;
}

describe('insight over HTTP', () => {
  it('projects incidents into analytics, action items and search, and answers CSV', async () => {
    const run = Date.now().toString(36);
    const ids: string[] = [];
    for (const [index, severity] of ['SEV2', 'SEV3', 'SEV3'].entries()) {
      const declared = await file.api.post('/api/v1/incidents', { title: `Insight ${run} queue backlog ${index}`, severity, team: 'platform', reporter: 'dana' });
      expect(declared.status).toBe(201);
      ids.push(declared.body.id);
    }
    await file.api.post(`/api/v1/incidents/${ids[0]}/acknowledge`, { by: 'alice' });
    await file.api.post(`/api/v1/incidents/${ids[0]}/updates`, { status: 'investigating', message: `Draining the ${run} backlog`, public: true, by: 'alice' });
    await file.api.post(`/api/v1/incidents/${ids[1]}/acknowledge`, { by: 'bob' });
    await file.api.post(`/api/v1/incidents/${ids[1]}/severity`, { severity: 'SEV1', reason: 'wider than thought', by: 'bob' });
    await file.api.post(`/api/v1/incidents/${ids[1]}/resolve`, { summary: 'Scaled out', by: 'bob' });
    const item = await file.api.post(`/api/v1/incidents/${ids[1]}/action-items`, { title: `Alert on ${run} backlog`, owner: 'carol', dueAt: new Date(Date.now() + 2000).toISOString() });
    expect(item.status, JSON.stringify(item.body)).toBe(201);

    const filters = `team=platform&from=${new Date(Date.now() - 3600_000).toISOString()}`;
    // The projection is eventually consistent: within a second of each event, plus the archive's round trip.
    const response = await vi.waitFor(
      async () => {
        const answer = await file.api.get(`/api/v1/analytics/response?${filters}`);
        const rows = answer.body.tables.by_severity_and_team.rows as unknown[][];
        const counted = rows.reduce((sum, row) => sum + Number(row[2]), 0);
        if (counted < 3) throw new Error(`projected ${counted} of 3 incidents`);
        return answer.body.tables.by_severity_and_team as { columns: string[]; rows: unknown[][] };
      },
      { timeout: 20_000, interval: 250 },
    );
    // Recompute time to acknowledge for the SEV2 from its timeline.
    const events = await timeline(ids[0]);
    const ackSeconds = (Date.parse(events.find((event) => event.type === 'acknowledged')!.at) - Date.parse(events[0].at)) / 1000;
    const sev2 = response.rows.find((row) => row[0] === 'SEV2')!;
    expect(sev2[response.columns.indexOf('ack_p50_s')]).toBeCloseTo(ackSeconds, 1);

    const severity = await vi.waitFor(
      async () => {
        const answer = await file.api.get(`/api/v1/analytics/severity?${filters}`);
        const row = (answer.body.tables.by_declarer.rows as unknown[][]).find((cells) => cells[0] === 'dana');
        if (!row || row[2] !== 1) throw new Error('upgrade not projected yet');
        return row;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(severity).toEqual(['dana', 3, 1, 0, 0, 1]);

    const items = await vi.waitFor(
      async () => {
        const answer = await file.api.get(`/api/v1/action-items?owner=carol&overdue=true`);
        const mine = answer.body.actionItems.filter((entry: { incidentId: string }) => entry.incidentId === ids[1]);
        if (mine.length === 0) throw new Error('item not projected yet');
        return mine;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(items[0]).toMatchObject({ itemId: 'AI-1', owner: 'carol', state: 'open', overdue: true, title: `Alert on ${run} backlog` });

    const found = await vi.waitFor(
      async () => {
        const answer = await file.api.get(`/api/v1/incidents?q=${encodeURIComponent(`draining ${run}`)}`);
        if (answer.body.incidents.length === 0) throw new Error('update not searchable yet');
        return answer.body.incidents;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(found.map((incident: { id: string }) => incident.id)).toEqual([ids[0]]);

    // Prometheus: counters from the folded events, recomputed from the timelines; the open-incident gauge from the store.
    const metric = (text: string, name: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${name} `))
          ?.slice(name.length + 1) ?? NaN,
      );
    const timelines = await Promise.all(ids.map(timeline));
    const pages = timelines.flat().filter((event) => event.type === 'notified' && ['page', 'escalation', 'overflow', 'reroute'].includes(event.kind)).length;
    const deliveries = timelines.flat().filter((event) => event.type === 'delivery' && event.outcome === 'delivered' && event.channel === 'inbox+webhook').length;
    await vi.waitFor(
      async () => {
        const text = (await file.api.get<string>('/metrics')).body;
        expect(metric(text, 'marshal_pages_total{team="platform"}')).toBe(pages);
        expect(metric(text, 'marshal_notification_deliveries_total{channel="inbox+webhook",outcome="delivered"}')).toBe(deliveries);
        expect(metric(text, 'marshal_acknowledge_seconds_count{severity="SEV2",team="platform"}')).toBe(1);
        expect(metric(text, 'marshal_acknowledge_seconds_sum{severity="SEV2",team="platform"}')).toBeCloseTo(ackSeconds, 2);
        expect(metric(text, 'marshal_open_incidents{severity="SEV2",team="platform"}')).toBe(1);
        expect(metric(text, 'marshal_open_incidents{severity="SEV3",team="platform"}')).toBe(1);
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(pages).toBeGreaterThan(0);

    const csv = await fetch(`${file.stack.url}/api/v1/analytics/severity?${filters}&format=csv&table=by_declarer`, { headers: { Authorization: `Bearer ${file.stack.token}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('declarer,incidents,upgrades,downgrades,declared_higher_than_final,declared_lower_than_highest');
    expect(lines).toContain('dana,3,1,0,0,1');
  });

  it('refuses bad filters with 400 naming the parameter, and unknown reports with 404', async () => {
    const cases: [string, string][] = [
      ['/api/v1/analytics/response?from=yesterday', 'from'],
      ['/api/v1/analytics/response?from=2026-02-01&to=2026-01-01', 'from'],
      ['/api/v1/analytics/paging?team=a&team=b', 'team'],
      [`/api/v1/analytics/paging?person=${'x'.repeat(500)}`, 'person'],
      ['/api/v1/analytics/paging?format=xml', 'format'],
      ['/api/v1/analytics/paging?format=csv&table=nope', 'table'],
      ['/api/v1/action-items?state=lost', 'state'],
      ['/api/v1/action-items?limit=0', 'limit'],
      [`/api/v1/incidents?q=${'y'.repeat(300)}`, 'q'],
    ];
    for (const [path, field] of cases) {
      const answer = await file.api.get(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.field ?? answer.body.error.message, path).toContain(field);
    }
    expect((await file.api.get('/api/v1/analytics/nope')).status).toBe(404);
    expect((await file.api.get('/api/v1/analytics/%00')).status).toBeLessThan(500);
    // Hostile but well-formed search text is just words.
    expect((await file.api.get(`/api/v1/incidents?q=${encodeURIComponent("'); DROP TABLE incidents; --")}`)).status).toBe(200);
  });
});
