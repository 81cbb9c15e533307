/**
 * Writes the projection (store/projection.ts folds it) inside the archive's transaction: the incident's row
 * read and locked, folded with the newly stored events, written back with its pages, rests, action items
 * and search words.
 */
import type { TimelineEvent } from '../workflows/incident-state';
import type { Database } from './database';
import { project, type IncidentFacts, type ProjectionContext } from './projection';

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

export async function applyProjection(tx: Database, incidentId: string, events: TimelineEvent[], context: ProjectionContext): Promise<void> {
  const [current] = await tx.query<IncidentFacts>(`SELECT ${FACTS_SELECT} FROM incidents WHERE incident_id = $1 FOR UPDATE`, [incidentId]);
  const { facts, pages, rests, items, searchText } = project(current, incidentId, events, context);
  if (!facts) return;
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
}
