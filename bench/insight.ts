/**
 * Insight benchmark: a year of incident history loaded through the real fold path (TimelineArchive.append
 * with the projection, in archive-sized batches), on the embedded store (PGlite) and on a PostgreSQL server
 * (a throwaway one, test/support/postgres.ts); then every analytics report, action-item listing and search
 * timed on it. Load throughput is set against the floor: a bare INSERT … ON CONFLICT DO NOTHING of the same
 * events in the same batches, into a table shaped like timeline_events, in the same run.
 * Run: npx tsx bench/insight.ts [incidents] [stores]   (default 100000 embedded,server)
 * MARSHAL_BENCH_STORE=<dir> keeps the embedded store there; run again with it and the load is skipped and
 * only the queries are timed (migrations still run), which is how an index is measured before and after.
 * Prints a table and the machine; writes bench/results/insight-<date>.json.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDir } from '../policy/io/load';
import { openStore, type Store } from '../store';
import { REPORTS, type AnalyticsFilters } from '../store/analytics';
import type { Database } from '../store/database';
import { generateHistory, HISTORY_TEAMS } from '../test/support/history-generator';
import { startPostgres, type PostgresServer } from '../test/support/postgres';
import type { TimelineEvent } from '../workflows/incident-state';
import { describeMachine, machine, writeResult } from './support';

const incidents = Number(process.argv[2] ?? 100_000);
const kinds = (process.argv[3] ?? 'embedded,server').split(',') as ('embedded' | 'server')[];
/** About 20 events per incident: 100,000 incidents make about 2 million events. */
const CHATTER = 12;
/** The incident workflow archives a few events at a time. */
const BATCH = 8;
/** Appends in flight at once (a server serves them on several connections; PGlite serialises them). */
const CONCURRENCY = 4;
/** The floor and the projection are compared on the same first incidents, loaded into empty tables. */
const FLOOR_INCIDENTS = Math.min(incidents, 10_000);
const YEAR_START = Date.parse('2025-12-01T00:00:00Z');
const NOW = '2026-12-01T00:00:00.000Z';
const GOAL_MS = 1000;

const loaded = loadPolicyDir('config');
if (!loaded.ok) throw new Error('the shipped config must load');
const policy = loaded.policy;
const history = (count: number) => generateHistory({ policy, incidents: count, start: YEAR_START, days: 365, chatter: CHATTER });

/** Load `count` incidents with `append`, CONCURRENCY incidents at a time, each in order batch by batch. */
async function load(count: number, append: (id: string, events: TimelineEvent[]) => Promise<unknown>, progress?: (done: number, events: number) => void) {
  const source = history(count);
  let events = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let next = source.next(); !next.done; next = source.next()) {
        const { id, events: timeline } = next.value;
        for (let start = 0; start < timeline.length; start += BATCH) await append(id, timeline.slice(start, start + BATCH));
        events += timeline.length;
        done += 1;
        if (progress && done % 10_000 === 0) progress(done, events);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { incidents: count, events, seconds: Math.round(seconds * 10) / 10, eventsPerSecond: Math.round(events / seconds) };
}

/** The floor: the archive's own INSERT, with no projection, into an empty table shaped like timeline_events. */
async function floor(db: Database) {
  await db.exec('DROP TABLE IF EXISTS timeline_floor; CREATE TABLE timeline_floor (LIKE timeline_events INCLUDING ALL)');
  const result = await load(FLOOR_INCIDENTS, (id, events) =>
    db.query(
      `INSERT INTO timeline_floor (incident_id, seq, at, type, actor, event)
       SELECT $1, (e->>'seq')::int, (e->>'at')::timestamptz, e->>'type', e->>'by', e FROM jsonb_array_elements($2::jsonb) AS e
       ON CONFLICT (incident_id, seq) DO NOTHING`,
      [id, JSON.stringify(events)],
    ),
  );
  await db.exec('DROP TABLE timeline_floor');
  return result;
}

/** Median of three timed runs after one warm-up. */
async function time(work: () => Promise<unknown>): Promise<{ ms: number; runs: number[] }> {
  await work();
  const runs: number[] = [];
  for (let n = 0; n < 3; n += 1) {
    const started = performance.now();
    await work();
    runs.push(Math.round(performance.now() - started));
  }
  return { ms: [...runs].sort((a, b) => a - b)[1], runs };
}

async function queries(store: Store) {
  const severityOrder = policy.severities.map((severity) => severity.name);
  const windows = { '12 weeks': { from: new Date(Date.parse(NOW) - 84 * 86_400_000).toISOString(), to: NOW }, year: { from: new Date(YEAR_START).toISOString(), to: NOW } };
  const timed: { query: string; ms: number; runs: number[]; rows: number }[] = [];
  const measure = async (query: string, work: () => Promise<number>) => {
    let rows = 0;
    const { ms, runs } = await time(async () => (rows = await work()));
    timed.push({ query, ms, runs, rows });
    console.log(`    ${query}: ${ms} ms (${rows} rows)`);
  };
  for (const [windowName, window] of Object.entries(windows)) {
    for (const team of [undefined, HISTORY_TEAMS[0]]) {
      const filters: AnalyticsFilters = { ...window, severityOrder, now: NOW, ...(team ? { team } : {}) };
      for (const name of REPORTS) {
        await measure(`${name}, ${windowName}${team ? `, team ${team}` : ''}`, async () => {
          const report = await store.insight.report(name, filters);
          return Object.values(report).reduce((sum, table) => sum + table.rows.length, 0);
        });
      }
    }
  }
  await measure('action items: open, first 100', async () => (await store.insight.actionItems({ state: 'open', limit: 100, now: NOW })).length);
  await measure('action items: overdue, first 100', async () => (await store.insight.actionItems({ state: 'open', overdue: true, limit: 100, now: NOW })).length);
  await measure(`action items: one owner's, all states`, async () => (await store.insight.actionItems({ state: 'all', owner: Object.keys(policy.people)[0], limit: 100, now: NOW })).length);
  await measure(`action items: team ${HISTORY_TEAMS[0]}, all states`, async () => (await store.insight.actionItems({ state: 'all', team: HISTORY_TEAMS[0], limit: 100, now: NOW })).length);
  await measure('search "checkout queue", first 50', async () => (await store.insight.search('checkout queue', 50)).length);
  await measure('search "rollback certificate", first 50', async () => (await store.insight.search('rollback certificate', 50)).length);
  await measure('search "zebra" (no match), first 50', async () => (await store.insight.search('zebra', 50)).length);
  return timed;
}

async function run(kind: 'embedded' | 'server') {
  let server: PostgresServer | undefined;
  const kept = kind === 'embedded' ? process.env.MARSHAL_BENCH_STORE : undefined;
  const dir = kept ? (mkdirSync(kept, { recursive: true }), kept) : mkdtempSync(join(tmpdir(), 'marshal-bench-insight-'));
  try {
    if (kind === 'server') server = await startPostgres();
    const store = await openStore(server ? { url: server.url } : { dir: join(dir, 'store') }, () => policy);
    try {
      const [{ n: present }] = await store.database.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
      if (kept && present >= incidents) {
        console.log(`  ${kind}: ${present.toLocaleString('en')} incidents already in ${dir}; timing the queries only`);
        await store.database.exec('ANALYZE');
        return { kind, counts: { incidents: present }, queries: await queries(store) };
      }
      console.log(`  ${kind}: loading ${incidents.toLocaleString('en')} incidents`);
      const loadStarted = performance.now();
      let first: Awaited<ReturnType<typeof load>> | undefined;
      const generation = await load(
        incidents,
        (id, events) => store.archive.append(id, events),
        (done, events) => {
          const seconds = (performance.now() - loadStarted) / 1000;
          if (done === FLOOR_INCIDENTS) first = { incidents: done, events, seconds: Math.round(seconds * 10) / 10, eventsPerSecond: Math.round(events / seconds) };
          console.log(`    ${done.toLocaleString('en')} incidents, ${events.toLocaleString('en')} events, ${Math.round(events / seconds).toLocaleString('en')} events/s`);
        },
      );
      const firstSlice = first ?? generation;
      const bare = await floor(store.database);
      // Statistics as a server's autovacuum would have them after a load this size (PGlite has no autovacuum).
      await store.database.exec('ANALYZE');
      const [counts] = await store.database.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM timeline_events) AS events, (SELECT count(*)::int FROM incidents) AS incidents, (SELECT count(*)::int FROM pages) AS pages,
           (SELECT count(*)::int FROM action_items) AS action_items, pg_database_size(current_database())::float8 / 2^20 AS database_mib`,
      );
      console.log(`    loaded: ${JSON.stringify(counts)}; floor ${bare.eventsPerSecond.toLocaleString('en')} events/s on the first ${FLOOR_INCIDENTS.toLocaleString('en')} incidents`);
      const timed = await queries(store);
      return { kind, generation, firstSlice, floor: bare, ratioToFloor: Math.round((firstSlice.eventsPerSecond / bare.eventsPerSecond) * 100) / 100, counts, queries: timed };
    } finally {
      await store.close();
    }
  } finally {
    await server?.stop();
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const results = [];
  for (const kind of kinds) results.push(await run(kind));
  const m = machine();
  console.log(`\ninsight benchmark: ${incidents.toLocaleString('en')} incidents over a year (≈${CHATTER + 9} events each), batches of ${BATCH}, ${CONCURRENCY} appends in flight`);
  for (const result of results) {
    if (!result.generation || !result.firstSlice || !result.floor) continue;
    console.log(
      `  ${result.kind}: load ${result.generation.events.toLocaleString('en')} events in ${result.generation.seconds} s = ${result.generation.eventsPerSecond.toLocaleString('en')} events/s; ` +
        `first ${result.firstSlice.incidents.toLocaleString('en')} incidents ${result.firstSlice.eventsPerSecond.toLocaleString('en')} events/s vs floor ${result.floor.eventsPerSecond.toLocaleString('en')} events/s = ${result.ratioToFloor}× the floor's rate`,
    );
  }
  const names = results[0].queries.map((entry) => entry.query);
  const width = Math.max(...names.map((name) => name.length));
  console.log(`\n  ${'query'.padEnd(width)}  ${results.map((result) => result.kind.padStart(10)).join('  ')}`);
  for (const name of names) {
    const cells = results.map((result) => {
      const ms = result.queries.find((entry) => entry.query === name)!.ms;
      return `${ms} ms${ms > GOAL_MS ? ' !' : ''}`.padStart(10);
    });
    console.log(`  ${name.padEnd(width)}  ${cells.join('  ')}`);
  }
  const misses = results.flatMap((result) => result.queries.filter((entry) => entry.ms > GOAL_MS).map((entry) => `${result.kind}: ${entry.query}`));
  console.log(`  goal ≤ ${GOAL_MS} ms each: ${misses.length ? `missed by ${misses.join('; ')}` : 'met by every query'}`);
  console.log(`  machine: ${describeMachine(m)}`);
  // One store alone (a partial run) gets a file of its own, so it does not replace a full run's.
  const name = `insight-${new Date().toISOString().slice(0, 10)}${kinds.length === 1 ? `-${kinds[0]}` : ''}`;
  console.log(
    `  wrote ${writeResult(name, { date: new Date().toISOString(), config: { incidents, chatter: CHATTER, batch: BATCH, concurrency: CONCURRENCY, floorIncidents: FLOOR_INCIDENTS, now: NOW }, results, machine: m })}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
