/**
 * Writes the projection (store/projection.ts folds it) inside the archive's transaction: the incident's
 * progress read and locked, the stored events after it folded in order (only a contiguous run: a gap waits
 * for the batch that fills it), and the incident's row written back with its pages, rests, action items and
 * search words.
 */
import type { TimelineEvent } from '../workflows/incident-state';
import type { Database } from './database';
import { project, type IncidentFacts, type Observation, type ProjectionContext } from './projection';

const FACT_COLUMNS: (keyof IncidentFacts)[] = [
  'incident_id',
  'title',
  'summary',
  'team',
  'first_team',
  'service',
  'phase',
  'declared_severity',
  'severity',
  'highest_severity',
  'upgrades',
  'downgrades',
  'declared_by',
  'from_alert',
  'alert_rule',
  'declared_at',
  'impact_started_at',
  'first_paged_at',
  'first_paged_team',
  'acknowledged_at',
  'acknowledged_by',
  'first_public_update_at',
  'resolved_at',
  'resolved_by',
  'closed_at',
  'responder_needed',
  'rerouted',
  'alert_events',
  'highest_escalation_level',
  'exhausted',
  'postmortem_due_at',
  'postmortem_published_at',
];
const FACTS_SELECT = FACT_COLUMNS.map((column) => (column.endsWith('_at') ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}` : column)).join(', ');

/** Search words are capped per batch: a flood of updates must not grow one row without bound. */
const SEARCH_TEXT_MAX = 20_000;

/** Events folded per call at most: a rebuild of a long incident folds in several transactions, not one huge one. */
const FOLD_BATCH = 5_000;

export interface Folded {
  events: number;
  observations: Observation[];
}

/** Fold what is stored after the incident's progress; answers how many events were folded and what they tell counters. */
export async function applyProjection(tx: Database, incidentId: string, context: ProjectionContext): Promise<Folded> {
  // One statement creates the progress row or locks the one there (a no-op update), as SELECT … FOR UPDATE would.
  const [{ through_seq: through }] = await tx.query<{ through_seq: number }>(
    `INSERT INTO projection_progress (incident_id, through_seq) VALUES ($1, 0)
     ON CONFLICT (incident_id) DO UPDATE SET through_seq = projection_progress.through_seq RETURNING through_seq`,
    [incidentId],
  );
  const stored = await tx.query<{ event: TimelineEvent }>('SELECT event FROM timeline_events WHERE incident_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [incidentId, through, FOLD_BATCH]);
  const events: TimelineEvent[] = [];
  for (const { event } of stored) {
    if (event.seq !== through + events.length + 1) break;
    events.push(event);
  }
  if (events.length === 0) return { events: 0, observations: [] };
  await tx.query('UPDATE projection_progress SET through_seq = $2 WHERE incident_id = $1', [incidentId, events[events.length - 1].seq]);
  const [current] = await tx.query<IncidentFacts>(`SELECT ${FACTS_SELECT} FROM incidents WHERE incident_id = $1 FOR UPDATE`, [incidentId]);
  const { facts, pages, rests, items, searchText, observations } = project(current, incidentId, events, context);
  if (!facts) return { events: events.length, observations };
  const values = FACT_COLUMNS.map((column) => facts[column]);
  const words = searchText.join(' ').slice(0, SEARCH_TEXT_MAX);
  const placeholders = FACT_COLUMNS.map((_, index) => `$${index + 1}`).join(', ');
  const updates = FACT_COLUMNS.filter((column) => column !== 'incident_id')
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(', ');
  await tx.query(`INSERT INTO incidents (${FACT_COLUMNS.join(', ')}) VALUES (${placeholders}) ON CONFLICT (incident_id) DO UPDATE SET ${updates}`, values);
  // The words live apart from the facts (migration 003): the reports scan incidents and never read them.
  if (words)
    await tx.query(
      `INSERT INTO incident_search (incident_id, search) VALUES ($1, to_tsvector('simple', $2))
       ON CONFLICT (incident_id) DO UPDATE SET search = incident_search.search || EXCLUDED.search`,
      [incidentId, words],
    );
  if (pages.length > 0) {
    await tx.query(
      `INSERT INTO pages (incident_id, seq, at, person, kind, step, team, local_hour)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS p(incident_id text, seq int, at timestamptz, person text, kind text, step int, team text, local_hour int)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(pages)],
    );
  }
  if (rests.length > 0) {
    await tx.query(
      `INSERT INTO rests (incident_id, seq, at, person, cover)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(incident_id text, seq int, at timestamptz, person text, cover text) ON CONFLICT DO NOTHING`,
      [JSON.stringify(rests)],
    );
  }
  for (const item of items) {
    if (item.title !== undefined) {
      await tx.query(`INSERT INTO action_items (incident_id, item_id, title, owner, team, created_at, due_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open') ON CONFLICT DO NOTHING`, [
        item.incident_id,
        item.item_id,
        item.title,
        item.owner,
        item.team ?? null,
        item.created_at,
        item.due_at ?? null,
      ]);
    } else {
      await tx.query(`UPDATE action_items SET state = $3, closed_at = $4 WHERE incident_id = $1 AND item_id = $2`, [item.incident_id, item.item_id, item.state, item.closed_at]);
    }
  }
  return { events: events.length, observations };
}
