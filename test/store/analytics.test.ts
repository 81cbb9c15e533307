/**
 * The projection and analytics with no Temporal, on both stores Marshal runs on: the embedded one (PGlite)
 * and a real PostgreSQL server (a throwaway one, test/support/postgres.ts). A month of incidents made with
 * the real lifecycle fold, archived in uneven batches with retries, and every figure the reports give
 * recomputed here independently from the incidents' timelines; the same assertions for both.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../policy/io/load';
import type { Policy } from '../../policy/types';
import { openStore, type Store } from '../../store';
import type { Table } from '../../store/analytics';
import type { TimelineEvent } from '../../workflows/incident-state';
import { generateHistory } from '../support/history-generator';
import { startPostgres, type PostgresServer } from '../support/postgres';

const loaded = loadPolicyDir('config');
if (!loaded.ok) throw new Error('the shipped config must load');
const policy: Policy = loaded.policy;
const SEVERITIES = policy.severities.map((severity) => severity.name);

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return Math.round((sorted[low] + (sorted[high] - sorted[low]) * (position - low)) * 10) / 10;
}

const rows = (table: Table) => table.rows.map((row) => Object.fromEntries(table.columns.map((column, index) => [column, row[index]])));
const first = (events: TimelineEvent[], type: TimelineEvent['type'], where: (event: TimelineEvent) => boolean = () => true) => events.find((event) => event.type === type && where(event));
const seconds = (later: TimelineEvent | undefined, earlier: TimelineEvent) => (later ? (Date.parse(later.at) - Date.parse(earlier.at)) / 1000 : undefined);

const timelines = [...generateHistory({ policy, incidents: 120, start: Date.parse('2026-10-01T00:00:00Z'), days: 28 })].map(({ events }) => events);
const window = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', severityOrder: SEVERITIES, now: '2026-11-30T00:00:00.000Z' };

describe.each(['embedded', 'server'] as const)('analytics from the projection (%s store)', (kind) => {
  let store: Store;
  let server: PostgresServer | undefined;

  beforeAll(async () => {
    if (kind === 'server') server = await startPostgres();
    store = await openStore(server ? { url: server.url } : {}, () => policy);
    // Uneven batches, each archived twice (a retried activity): the projection must fold each event once. Every
    // third incident's batches arrive last first (a rebuild racing the live archive): folded once the gap fills.
    for (const [index, events] of timelines.entries()) {
      const batches: TimelineEvent[][] = [];
      for (let start = 0; start < events.length;) {
        const size = 1 + ((start * 7 + events.length) % 4);
        batches.push(events.slice(start, start + size));
        start += size;
      }
      for (const batch of index % 3 === 0 ? batches.reverse() : batches) {
        await store.archive.append(`i${index}`, batch);
        await store.archive.append(`i${index}`, batch);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('times to acknowledge, first public update and resolve match the timelines, per severity and team', async () => {
    const report = await store.insight.report('response', window);
    const expected = new Map<string, { ack: number[]; update: number[]; resolve: number[]; count: number }>();
    for (const events of timelines) {
      const declared = events[0];
      const team = [...events].reverse().find((event) => event.type === 'team-reassigned') as { to: string } | undefined;
      const severity = [...events].reverse().find((event) => event.type === 'severity-changed') as { to: string } | undefined;
      const key = `${severity?.to ?? (declared as { severity: string }).severity}|${team?.to ?? (declared as { team: string }).team}`;
      const entry = expected.get(key) ?? { ack: [], update: [], resolve: [], count: 0 };
      entry.count += 1;
      const push = (list: number[], value: number | undefined) => value !== undefined && list.push(value);
      push(entry.ack, seconds(first(events, 'acknowledged'), declared));
      push(
        entry.update,
        seconds(
          first(events, 'status-updated', (event) => (event as { public: boolean }).public),
          declared,
        ),
      );
      push(entry.resolve, seconds(first(events, 'resolved'), declared));
      expected.set(key, entry);
    }
    const got = rows(report.by_severity_and_team);
    expect(got).toHaveLength(expected.size);
    for (const row of got) {
      const entry = expected.get(`${row.severity}|${row.team}`)!;
      expect(row).toMatchObject({
        incidents: entry.count,
        ack_p50_s: percentile(entry.ack, 0.5),
        ack_p90_s: percentile(entry.ack, 0.9),
        first_public_update_p50_s: percentile(entry.update, 0.5),
        resolve_p90_s: percentile(entry.resolve, 0.9),
      });
    }
  });

  it('counts pages and night pages per person on their own clock, and rests', async () => {
    const report = await store.insight.report('paging', window);
    const expected = new Map<string, { pages: number; night: number }>();
    for (const events of timelines) {
      for (const event of events) {
        if (event.type !== 'notified' || !['page', 'escalation'].includes(event.kind)) continue;
        const hour = DateTime.fromISO(event.at, { zone: policy.people[event.to].timezone }).hour;
        const entry = expected.get(event.to) ?? { pages: 0, night: 0 };
        entry.pages += 1;
        entry.night += hour < 6 ? 1 : 0;
        expected.set(event.to, entry);
      }
    }
    const got = rows(report.by_person);
    expect(got.length).toBe(expected.size);
    for (const row of got) expect({ pages: row.pages, night: row.night_pages }).toEqual({ pages: expected.get(String(row.person))!.pages, night: expected.get(String(row.person))!.night });
    expect(got.reduce((sum, row) => sum + Number(row.night_pages), 0)).toBeGreaterThan(0);
    const [escalation] = rows(report.escalation);
    expect(escalation.past_level_1).toBe(timelines.filter((events) => events.some((event) => event.type === 'escalation-step' && event.level > 1)).length);
  });

  it('finds the incidents whose first page went to a team that handed them on, by that team', async () => {
    const report = await store.insight.report('hygiene', window);
    const expected = new Map<string, number>();
    for (const events of timelines) {
      const firstPage = events.findIndex((event) => event.type === 'notified');
      const rerouted = events.findIndex((event) => event.type === 'team-reassigned') > firstPage;
      const team = (events[0] as { team: string }).team;
      expected.set(team, (expected.get(team) ?? 0) + (rerouted ? 1 : 0));
    }
    for (const row of rows(report.rerouted_by_first_team)) expect(row.rerouted).toBe(expected.get(String(row.first_team)));
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const alertOpened = timelines.filter((events) => events[0].by === 'alertmanager');
    expect(rows(report.non_actionable)[0]).toMatchObject({
      alert_opened: alertOpened.length,
      never_acknowledged: alertOpened.filter((events) => first(events, 'resolved') && !first(events, 'acknowledged')).length,
    });
    expect(rows(report.alert_rules).reduce((sum, row) => sum + Number(row.incidents), 0)).toBe(alertOpened.length);
  });

  it('tells upgrades from downgrades by the policy order, per declarer', async () => {
    const report = await store.insight.report('severity', window);
    const rank = (name: string) => SEVERITIES.indexOf(name);
    const expected = new Map<string, { up: number; down: number }>();
    for (const events of timelines) {
      const entry = expected.get(events[0].by) ?? { up: 0, down: 0 };
      for (const event of events) if (event.type === 'severity-changed') rank(event.to) < rank(event.from) ? (entry.up += 1) : (entry.down += 1);
      expected.set(events[0].by, entry);
    }
    for (const row of rows(report.by_declarer)) expect({ up: row.upgrades, down: row.downgrades }).toEqual(expected.get(String(row.declarer)));
  });

  it('sorts postmortems into on time, late and missing, and lists overdue action items', async () => {
    const report = await store.insight.report('follow-through', window);
    let onTime = 0;
    let late = 0;
    let missing = 0;
    for (const events of timelines) {
      const due = first(events, 'postmortem-due') as { dueAt: string } | undefined;
      if (!due) continue;
      const published = first(events, 'postmortem-published');
      if (!published) missing += Date.parse(due.dueAt) < Date.parse(window.now) ? 1 : 0;
      else if (Date.parse(published.at) <= Date.parse(due.dueAt)) onTime += 1;
      else late += 1;
    }
    const sum = (column: string) => rows(report.postmortems).reduce((total, row) => total + Number(row[column]), 0);
    expect({ onTime: sum('on_time'), late: sum('late'), missing: sum('missing') }).toEqual({ onTime, late, missing });
    expect(onTime + late + missing).toBeGreaterThan(0);

    const added = timelines.flatMap((events, index) => events.filter((event) => event.type === 'action-item-added').map((event) => ({ event, events, id: `i${index}` })));
    const open = added.filter(({ event, events }) => !events.some((other) => other.type === 'action-item-completed' && other.itemId === (event as { itemId: string }).itemId));
    const overdue = open.filter(({ event }) => Date.parse((event as { dueAt: string }).dueAt) < Date.parse(window.now));
    const listed = await store.insight.actionItems({ state: 'open', overdue: true, limit: 1000, now: window.now });
    expect(listed.map((item) => `${item.incidentId}/${item.itemId}`).sort()).toEqual(overdue.map(({ event, id }) => `${id}/${(event as { itemId: string }).itemId}`).sort());
    expect(overdue.length).toBeGreaterThan(0);
  });

  it('searches titles, summaries and updates, and takes hostile text as words', async () => {
    const found = await store.insight.search('checkout queue', 100);
    const expected = timelines.filter((events) => events.some((event) => event.type === 'status-updated' && /checkout queue/.test(event.message)));
    expect(found.map((incident) => incident.id).sort()).toEqual(expected.map((events) => `i${timelines.indexOf(events)}`).sort());
    for (const hostile of ["'; DROP TABLE incidents; --", '!!! & | :*', '\u0000', 'x'.repeat(200)]) await expect(store.insight.search(hostile, 10)).resolves.toBeInstanceOf(Array);
  });
});
