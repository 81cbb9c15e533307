/**
 * kill -9 the PostgreSQL server holding the store under a running stack: incidents keep working through the
 * API (Temporal holds them; their archiving retries), analytics answers 503 store_unavailable meanwhile; then
 * PostgreSQL starts again on the same data dir and port, and the projection catches up with nothing lost or
 * doubled: every incident's archived events are its whole timeline, and the incidents and pages tables
 * match a recomputation from those timelines.
 */
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { it } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import type { TimelineEvent } from '../../workflows/incident-state';
import { PAGE_KINDS } from '../../store/projection';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import { sleep, until, verdict } from './support';

const BEFORE = 20;
const DURING = 10;
/** Long enough for several archive attempts to fail (the activity backs off 1, 2, 4, 8 s…). */
const OUTAGE_MS = 12_000;

it(`kills the store's PostgreSQL under ${BEFORE + DURING} incidents: the API keeps working, analytics answers 503, the projection catches up`, async () => {
  let postgres: PostgresServer | undefined;
  let stack: TestStack | undefined;
  try {
    postgres = await startPostgres();
    stack = await startTestStack({ databaseUrl: postgres.url });
    const api = apiClient(stack.url, stack.token);
    const sql = async <Row>(text: string, params: unknown[] = []) => {
      const client = new Client({ connectionString: postgres!.url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as Row[];
      } finally {
        await client.end();
      }
    };
    const declare = async (index: number) => {
      const answer = await api.post<IncidentView>('/api/v1/incidents', { title: `Store fault ${index}`, severity: index % 2 ? 'SEV2' : 'SEV3', service: 'checkout-api' });
      if (answer.status !== 201) throw new Error(`declare answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.id;
    };
    const ids: string[] = [];
    for (let index = 0; index < BEFORE; index += 1) ids.push(await declare(index));
    for (const id of ids.slice(0, BEFORE / 2)) await api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'judy' });
    await until('every incident in the projection', async () => (await sql<{ n: number }>('SELECT count(*)::int AS n FROM incidents'))[0].n === BEFORE, 30_000, 250);
    const before = await api.get('/api/v1/analytics/response');

    await postgres.kill();
    const downAt = Date.now();
    // Incidents keep working: declare more, acknowledge the rest, post updates, all while the store is gone.
    const answers: number[] = [];
    for (let index = BEFORE; index < BEFORE + DURING; index += 1) ids.push(await declare(index));
    for (const id of ids.slice(BEFORE / 2, BEFORE)) answers.push((await api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'judy' })).status);
    for (const id of ids.slice(0, BEFORE / 2))
      answers.push((await api.post(`/api/v1/incidents/${id}/updates`, { by: 'judy', status: 'investigating', message: 'Store down, still on it', public: true })).status);
    const during = await api.get('/api/v1/analytics/response');
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
    const commandsDuringOutageMs = Date.now() - downAt;

    await postgres.restart();
    const restartedAt = Date.now();
    const timelineOf = async (id: string) => {
      const events: TimelineEvent[] = [];
      let after = 0;
      for (;;) {
        const page = await api.get<{ events: TimelineEvent[]; total: number }>(`/api/v1/incidents/${id}/timeline?after=${after}&limit=1000`);
        if (page.status !== 200) throw new Error(`timeline of ${id} answered ${page.status}`);
        events.push(...page.body.events);
        if (page.body.events.length < 1000) return { events, total: page.body.total };
        after = events[events.length - 1].seq;
      }
    };
    // Caught up: every event the workflows recorded is archived (the archive's rows are 1…total of each).
    const timelines = await until(
      'every incident timeline archived',
      async () => {
        const all = await Promise.all(ids.map(async (id) => ({ id, ...(await timelineOf(id)) })));
        const stored = await sql<{ incident_id: string; n: number; top: number }>('SELECT incident_id, count(*)::int AS n, max(seq) AS top FROM timeline_events GROUP BY incident_id');
        const byId = new Map(stored.map((row) => [row.incident_id, row]));
        return all.every(({ id, total }) => byId.get(id)?.n === total && byId.get(id)?.top === total) ? all : undefined;
      },
      120_000,
      1000,
    );
    const caughtUpMs = Date.now() - restartedAt;

    const archived = await sql<{ incident_id: string; seq: number; event: TimelineEvent }>('SELECT incident_id, seq, event FROM timeline_events ORDER BY incident_id, seq');
    // Incidents go on (a reminder may be archived after the timelines were read): compare what the API showed.
    const mismatched = timelines
      .filter(
        ({ id, events, total }) =>
          !isDeepStrictEqual(
            archived.filter((row) => row.incident_id === id && row.seq <= total).map((row) => row.event),
            events,
          ),
      )
      .map(({ id }) => id);
    // Pages as the projection counts them (PAGE_KINDS), recomputed event by event from the API's timelines.
    const pagesExpected = timelines.flatMap(({ id, events }) => events.filter((event) => event.type === 'notified' && PAGE_KINDS.has(event.kind)).map((event) => `${id}:${event.seq}`)).sort();
    const pagesStored = (await sql<{ key: string }>(`SELECT incident_id || ':' || seq AS key FROM pages`)).map((row) => row.key).sort();
    const ackedExpected = timelines.filter(({ events }) => events.some((event) => event.type === 'acknowledged')).length;
    const [counts] = await sql<{ incidents: number; acked: number; duplicates: number }>(
      `SELECT (SELECT count(*)::int FROM incidents) AS incidents,
         (SELECT count(*)::int FROM incidents WHERE acknowledged_at IS NOT NULL) AS acked,
         (SELECT count(*)::int FROM (SELECT incident_id, seq FROM timeline_events GROUP BY 1, 2 HAVING count(*) > 1) d) AS duplicates`,
    );
    const after = await api.get('/api/v1/analytics/response');
    const [afterRow] = (after.body?.tables?.by_severity_and_team?.rows ?? []) as unknown[][];

    verdict(
      'store PostgreSQL kill -9 under running incidents',
      {
        incidents: ids.length,
        events: archived.length,
        outageMs: commandsDuringOutageMs,
        commandsDuringOutage: answers.length + DURING,
        analyticsDuringOutage: `${during.status} ${during.body?.error?.code ?? ''}`,
        caughtUpAfterRestartMs: caughtUpMs,
        pages: `${pagesStored.length}/${pagesExpected.length}`,
      },
      [
        ['analytics answered before the outage', before.status === 200],
        ['declare and acknowledge answered normally while the store was down', answers.every((status) => status === 200)],
        ['analytics answered 503 store_unavailable while the store was down', during.status === 503 && during.body?.error?.code === 'store_unavailable'],
        ['analytics answers again after the restart', after.status === 200 && afterRow !== undefined],
        ['every incident timeline archived, event for event', mismatched.length === 0],
        ['no event archived twice', counts.duplicates === 0],
        ['one incidents row per incident', counts.incidents === ids.length],
        ['pages match the timelines, page for page', JSON.stringify(pagesStored) === JSON.stringify(pagesExpected)],
        ['acknowledgements match the timelines', counts.acked === ackedExpected],
      ],
    );
  } finally {
    await stack?.stop();
    await postgres?.stop();
  }
}, 300_000);
