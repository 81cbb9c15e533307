/**
 * Insight across incidents, read from the projection (store/projection.ts): how fast teams acknowledge,
 * who gets paged and at night, whether pages go to the right team, whether severities are declared right,
 * and whether postmortems and action items are followed through. Every report is a set of tables (columns
 * and rows), so the API can answer JSON or CSV and the console can draw them, with a weekly trend where a
 * figure changes over time.
 */
import type { Database } from './database';

export interface AnalyticsFilters {
  team?: string;
  severity?: string;
  service?: string;
  person?: string;
  /** Incidents declared in [from, to); defaults: the last 12 weeks up to now. */
  from: string;
  to: string;
  /** Most severe first (the policy's order), to tell an upgrade from a downgrade. */
  severityOrder: string[];
  /** Now, for "overdue". */
  now: string;
}

export type Cell = string | number | boolean | null;
export interface Table {
  columns: string[];
  rows: Cell[][];
}
export type Report = Record<string, Table>;

export const REPORTS = ['response', 'paging', 'hygiene', 'severity', 'follow-through'] as const;
export type ReportName = (typeof REPORTS)[number];

/** The incidents in scope as a SQL condition on `i`, with its parameters. */
function scope(filters: AnalyticsFilters): { where: string; params: unknown[] } {
  const params: unknown[] = [filters.from, filters.to];
  const clauses = ['i.declared_at >= $1', 'i.declared_at < $2'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filters.team) add((n) => `i.team = ${n}`, filters.team);
  if (filters.severity) add((n) => `i.severity = ${n}`, filters.severity);
  if (filters.service) add((n) => `i.service = ${n}`, filters.service);
  if (filters.person) add((n) => `(i.acknowledged_by = ${n} OR i.declared_by = ${n} OR EXISTS (SELECT 1 FROM pages p WHERE p.incident_id = i.incident_id AND p.person = ${n}))`, filters.person);
  return { where: clauses.join(' AND '), params };
}

const seconds = (later: string, earlier: string) => `EXTRACT(EPOCH FROM (${later} - ${earlier}))`;
const pct = (fraction: number, expression: string) => `round((percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${expression}))::numeric, 1)::float8`;
const week = (column: string) => `to_char(date_trunc('week', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;

async function table(db: Database, sql: string, params: unknown[]): Promise<Table> {
  const rows = await db.query<Record<string, Cell>>(sql, params);
  const columns = rows.length > 0 ? Object.keys(rows[0]) : columnsOf(sql);
  return { columns, rows: rows.map((row) => columns.map((column) => normalise(row[column]))) };
}

/** Column names of a query that returned no rows, from its outer SELECT list's aliases. */
function columnsOf(sql: string): string[] {
  return [...sql.matchAll(/ AS ([a-z_0-9]+)/g)].map((match) => match[1]).filter((name, index, all) => all.indexOf(name) === index && name !== 'p' && name !== 'i');
}

const normalise = (value: unknown): Cell => (value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : (value as Cell));

export async function report(db: Database, name: ReportName, filters: AnalyticsFilters): Promise<Report> {
  const { where, params } = scope(filters);
  switch (name) {
    case 'response': {
      const ack = seconds('i.acknowledged_at', 'i.declared_at');
      const update = seconds('i.first_public_update_at', 'i.declared_at');
      // Time to resolve is how long the impact lasted: from its start when someone set it, else from declaration.
      // Acknowledgement and the first public update stay counted from declaration: they measure the response.
      const resolve = seconds('i.resolved_at', 'COALESCE(i.impact_started_at, i.declared_at)');
      const measures = `count(*)::int AS incidents,
        ${pct(0.5, ack)} AS ack_p50_s, ${pct(0.9, ack)} AS ack_p90_s,
        ${pct(0.5, update)} AS first_public_update_p50_s, ${pct(0.9, update)} AS first_public_update_p90_s,
        ${pct(0.5, resolve)} AS resolve_p50_s, ${pct(0.9, resolve)} AS resolve_p90_s`;
      return {
        by_severity_and_team: await table(
          db,
          `SELECT i.severity AS severity, i.team AS team, ${measures} FROM incidents i WHERE ${where} GROUP BY i.severity, i.team ORDER BY i.severity, i.team`,
          params,
        ),
        weekly: await table(db, `SELECT ${week('i.declared_at')} AS week, ${measures} FROM incidents i WHERE ${where} GROUP BY 1 ORDER BY 1`, params),
      };
    }
    case 'paging': {
      const pageScope = `p.incident_id IN (SELECT i.incident_id FROM incidents i WHERE ${where})${filters.person ? ` AND p.person = $${params.length + 1}` : ''}`;
      const pageParams = filters.person ? [...params, filters.person] : params;
      return {
        by_person: await table(
          db,
          `SELECT p.person AS person, count(*)::int AS pages, count(*) FILTER (WHERE p.local_hour < 6)::int AS night_pages,
             count(DISTINCT p.incident_id)::int AS incidents,
             (SELECT count(*)::int FROM rests r WHERE r.person = p.person AND r.incident_id IN (SELECT i.incident_id FROM incidents i WHERE ${where})) AS rests_taken
           FROM pages p WHERE ${pageScope} GROUP BY p.person ORDER BY pages DESC, person`,
          pageParams,
        ),
        by_team: await table(
          db,
          `SELECT p.team AS team, count(*)::int AS pages, count(*) FILTER (WHERE p.local_hour < 6)::int AS night_pages, count(*) FILTER (WHERE p.kind = 'escalation')::int AS escalation_pages
           FROM pages p WHERE ${pageScope} GROUP BY p.team ORDER BY pages DESC, team`,
          pageParams,
        ),
        escalation: await table(
          db,
          `SELECT count(*)::int AS incidents, count(*) FILTER (WHERE i.highest_escalation_level > 1)::int AS past_level_1, count(*) FILTER (WHERE i.exhausted)::int AS exhausted_chains
           FROM incidents i WHERE ${where}`,
          params,
        ),
        weekly: await table(
          db,
          `SELECT ${week('p.at')} AS week, count(*)::int AS pages, count(*) FILTER (WHERE p.local_hour < 6)::int AS night_pages FROM pages p WHERE ${pageScope} GROUP BY 1 ORDER BY 1`,
          pageParams,
        ),
      };
    }
    case 'hygiene': {
      // An alert-opened incident nobody needed: resolved without anyone acknowledging, resolved by its monitor
      // recovering, or triaged "no responder needed".
      const nonActionable = `i.from_alert AND ((i.resolved_at IS NOT NULL AND i.acknowledged_at IS NULL) OR i.resolved_by = 'marshal' OR NOT i.responder_needed)`;
      return {
        rerouted_by_first_team: await table(
          db,
          `SELECT i.first_paged_team AS first_team, count(*)::int AS paged_incidents, count(*) FILTER (WHERE i.rerouted)::int AS rerouted
           FROM incidents i WHERE ${where} AND i.first_paged_at IS NOT NULL GROUP BY i.first_paged_team ORDER BY rerouted DESC, first_team`,
          params,
        ),
        alert_rules: await table(
          db,
          `SELECT i.alert_rule AS alert_rule, count(*)::int AS incidents, sum(i.alert_events)::int AS alert_events,
             round(avg(i.alert_events)::numeric, 2)::float8 AS alert_events_per_incident,
             count(*) FILTER (WHERE i.rerouted)::int AS rerouted,
             count(*) FILTER (WHERE ${nonActionable})::int AS non_actionable
           FROM incidents i WHERE ${where} AND i.from_alert GROUP BY i.alert_rule ORDER BY alert_events DESC, incidents DESC, alert_rule`,
          params,
        ),
        non_actionable: await table(
          db,
          `SELECT count(*) FILTER (WHERE i.from_alert)::int AS alert_opened,
             count(*) FILTER (WHERE i.from_alert AND i.resolved_at IS NOT NULL AND i.acknowledged_at IS NULL)::int AS never_acknowledged,
             count(*) FILTER (WHERE i.from_alert AND i.resolved_by = 'marshal')::int AS auto_resolved,
             count(*) FILTER (WHERE i.from_alert AND NOT i.responder_needed)::int AS no_responder_needed,
             count(*) FILTER (WHERE ${nonActionable})::int AS non_actionable
           FROM incidents i WHERE ${where}`,
          params,
        ),
      };
    }
    case 'severity': {
      const order = `$${params.length + 1}::text[]`;
      const rank = (column: string) => `coalesce(array_position(${order}, ${column}), 999)`;
      const measures = `count(*)::int AS incidents, sum(i.upgrades)::int AS upgrades, sum(i.downgrades)::int AS downgrades,
        count(*) FILTER (WHERE ${rank('i.declared_severity')} < ${rank('i.severity')})::int AS declared_higher_than_final,
        count(*) FILTER (WHERE ${rank('i.highest_severity')} < ${rank('i.declared_severity')})::int AS declared_lower_than_highest`;
      const withOrder = [...params, filters.severityOrder];
      return {
        by_team: await table(db, `SELECT i.team AS team, ${measures} FROM incidents i WHERE ${where} GROUP BY i.team ORDER BY incidents DESC, team`, withOrder),
        by_declarer: await table(db, `SELECT i.declared_by AS declarer, ${measures} FROM incidents i WHERE ${where} GROUP BY i.declared_by ORDER BY incidents DESC, declarer`, withOrder),
        declared_vs_final: await table(
          db,
          `SELECT i.declared_severity AS declared, i.highest_severity AS highest, i.severity AS final, count(*)::int AS incidents FROM incidents i WHERE ${where}
           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
          withOrder.slice(0, params.length),
        ),
        weekly: await table(db, `SELECT ${week('i.declared_at')} AS week, ${measures} FROM incidents i WHERE ${where} GROUP BY 1 ORDER BY 1`, withOrder),
      };
    }
    case 'follow-through': {
      const now = `$${params.length + 1}::timestamptz`;
      const withNow = [...params, filters.now];
      return {
        postmortems: await table(
          db,
          `SELECT i.team AS team, count(*)::int AS required,
             count(*) FILTER (WHERE i.postmortem_published_at <= i.postmortem_due_at)::int AS on_time,
             count(*) FILTER (WHERE i.postmortem_published_at > i.postmortem_due_at)::int AS late,
             count(*) FILTER (WHERE i.postmortem_published_at IS NULL AND i.postmortem_due_at < ${now})::int AS missing,
             count(*) FILTER (WHERE i.postmortem_published_at IS NULL AND i.postmortem_due_at >= ${now})::int AS not_yet_due
           FROM incidents i WHERE ${where} AND i.postmortem_due_at IS NOT NULL GROUP BY i.team ORDER BY team`,
          withNow,
        ),
        action_items: await table(
          db,
          `SELECT a.team AS team, count(*)::int AS items,
             count(*) FILTER (WHERE a.state = 'open')::int AS open,
             count(*) FILTER (WHERE a.state = 'open' AND a.due_at < ${now})::int AS overdue,
             count(*) FILTER (WHERE a.state = 'completed')::int AS completed,
             count(*) FILTER (WHERE a.state = 'waived')::int AS waived,
             round((percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (a.closed_at - a.created_at)) / 86400) FILTER (WHERE a.state = 'completed'))::numeric, 2)::float8 AS median_days_to_complete
           FROM action_items a JOIN incidents i ON i.incident_id = a.incident_id WHERE ${where} GROUP BY a.team ORDER BY team`,
          withNow,
        ),
      };
    }
  }
}
