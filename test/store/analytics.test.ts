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
import { decide, declare, record, type Command, type EventBody, type IncidentPolicy, type IncidentState, type TimelineEvent } from '../../workflows/incident-state';
import { startPostgres, type PostgresServer } from '../support/postgres';

const loaded = loadPolicyDir('config');
if (!loaded.ok) throw new Error('the shipped config must load');
const policy: Policy = loaded.policy;
const incidentPolicy: IncidentPolicy = { version: policy.version, severities: policy.severities };
const SEVERITIES = policy.severities.map((severity) => severity.name);
const TEAMS = ['payments', 'platform', 'web'];
const PEOPLE = Object.keys(policy.people);
const START = Date.parse('2026-10-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;

/** A small seeded generator, so a failure can be reproduced. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

function month(count: number): TimelineEvent[][] {
  const rand = random(42);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const incidents: TimelineEvent[][] = [];
  for (let n = 0; n < count; n += 1) {
    let at = START + Math.floor(rand() * 28 * DAY);
    const iso = () => new Date(at).toISOString();
    const later = (minutes: number) => (at += Math.floor(minutes * 60_000 * (0.5 + rand())));
    const fromAlert = rand() < 0.4;
    const team = pick(TEAMS);
    let state: IncidentState = declare(
      { id: `i${n}`, title: n % 7 === 0 ? `Checkout latency ${n}` : `Disk pressure ${n}`, severity: pick(SEVERITIES), team, service: undefined, reporter: fromAlert ? 'alertmanager' : pick(PEOPLE) },
      incidentPolicy,
      iso(),
    );
    const command = (c: Command) => {
      const decision = decide(state, c);
      if (decision.ok) state = record(state, decision.events, iso(), c.by);
    };
    const follow = (events: EventBody[]) => (state = record(state, events, iso(), 'marshal'));
    if (fromAlert) follow([{ type: 'alert', source: 'alertmanager', key: `k${n}`, status: 'firing', summary: 'Disk', labels: { alertname: pick(['DiskFull', 'HighLatency', 'PodCrash']) } }]);
    later(1);
    const paged = pick(PEOPLE);
    follow([{ type: 'notified', to: paged, kind: 'page', headline: 'Paged', step: 0 }]);
    if (rand() < 0.3) {
      later(5);
      follow([{ type: 'escalation-step', step: 1, level: 2, round: 0, targets: [pick(PEOPLE)], unresolved: [], overflow: false }]);
      follow([{ type: 'notified', to: pick(PEOPLE), kind: 'escalation', headline: 'Paged', step: 1 }]);
    }
    if (rand() < 0.2) {
      later(3);
      command({ type: 'reassign-team', by: paged, team: pick(TEAMS.filter((other) => other !== team)), reason: 'not ours' });
    }
    if (rand() < 0.8) {
      later(4);
      command({ type: 'acknowledge', by: paged });
    }
    if (rand() < 0.6) {
      later(10);
      command({ type: 'post-status-update', by: paged, status: 'investigating', message: `Looking at the checkout queue ${n}`, public: rand() < 0.7 });
    }
    if (rand() < 0.3) {
      later(10);
      command({ type: 'change-severity', by: paged, severity: pick(SEVERITIES), reason: 'clearer now' });
    }
    if (rand() < 0.3) {
      later(2);
      command({ type: 'add-action-item', by: paged, title: `Fix ${n}`, owner: pick(PEOPLE), dueAt: new Date(at + Math.floor(rand() * 20) * DAY).toISOString() });
    }
    if (rand() < 0.85) {
      later(60);
      command({ type: 'resolve', by: paged, summary: `Resolved ${n}` });
      if (rand() < 0.5) {
        follow([{ type: 'postmortem-due', dueAt: new Date(at + 5 * DAY).toISOString() }]);
        if (rand() < 0.6) {
          at += Math.floor(rand() * 10 * DAY);
          command({ type: 'publish-postmortem', by: paged, markdown: '# Postmortem' });
        }
      }
      const item = state.actionItems[0];
      if (item && rand() < 0.5) {
        at += Math.floor(rand() * 5 * DAY);
        command({ type: 'complete-action-item', by: item.owner, itemId: item.id });
      }
    }
    incidents.push(state.timeline);
  }
  return incidents;
}

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

const timelines = month(120);
const window = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', severityOrder: SEVERITIES, now: '2026-11-30T00:00:00.000Z' };

describe.each(['embedded', 'server'] as const)('analytics from the projection (%s store)', (kind) => {
  let store: Store;
  let server: PostgresServer | undefined;

  beforeAll(async () => {
    if (kind === 'server') server = await startPostgres();
    store = await openStore(server ? { url: server.url } : {}, () => policy);
    // Uneven batches, each archived twice (a retried activity): the projection must fold each event once.
    for (const [index, events] of timelines.entries()) {
      for (let start = 0; start < events.length;) {
        const size = 1 + ((start * 7 + events.length) % 4);
        const batch = events.slice(start, start + size);
        await store.archive.append(`i${index}`, batch);
        await store.archive.append(`i${index}`, batch);
        start += size;
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
