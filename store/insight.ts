/**
 * What the store answers across incidents: analytics reports, action items, and full-text search. A store
 * that cannot be reached answers StoreUnavailableError (503 at the edge); incidents themselves keep working,
 * since Temporal holds them.
 */
import { report, type AnalyticsFilters, type Report, type ReportName } from './analytics';
import type { Database } from './database';
import { isoOrNull as iso, storeCall } from './errors';
import { repairText } from '../common/text';

export type ActionItemState = 'open' | 'completed' | 'waived';

export interface ActionItemFilters {
  owner?: string;
  team?: string;
  /** Default: open. */
  state?: ActionItemState | 'all';
  overdue?: boolean;
  limit: number;
  now: string;
}

export interface ActionItemRow {
  incidentId: string;
  itemId: string;
  title: string;
  owner: string;
  team: string | null;
  state: ActionItemState;
  createdAt: string;
  dueAt: string | null;
  closedAt: string | null;
  overdue: boolean;
  incidentTitle: string;
}

export interface FoundIncident {
  id: string;
  title: string;
  severity: string;
  team?: string;
  service?: string;
  phase: string;
  status: 'open' | 'resolved' | 'closed';
  declaredAt: string;
  closedAt?: string;
}

export class Insight {
  constructor(private readonly db: Database) {}

  report(name: ReportName, filters: AnalyticsFilters): Promise<Report> {
    // The edges refuse NUL and lone surrogates; a caller that skips them still gets an answer, not a SQL error.
    return storeCall(() => report(this.db, name, repairText(filters)));
  }

  async actionItems(unchecked: ActionItemFilters): Promise<ActionItemRow[]> {
    const filters = repairText(unchecked);
    const params: unknown[] = [filters.now];
    const clauses: string[] = [];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      clauses.push(sql(`$${params.length}`));
    };
    const state = filters.state ?? 'open';
    if (state !== 'all') add((n) => `a.state = ${n}`, state);
    if (filters.owner) add((n) => `a.owner = ${n}`, filters.owner);
    if (filters.team) add((n) => `a.team = ${n}`, filters.team);
    if (filters.overdue) clauses.push(`a.state = 'open' AND a.due_at < $1::timestamptz`);
    params.push(filters.limit);
    const rows = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        `SELECT a.incident_id, a.item_id, a.title, a.owner, a.team, a.state, a.created_at, a.due_at, a.closed_at, i.title AS incident_title,
           (a.state = 'open' AND a.due_at < $1::timestamptz) AS overdue
         FROM action_items a LEFT JOIN incidents i ON i.incident_id = a.incident_id
         ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
         ORDER BY a.due_at ASC NULLS LAST, a.created_at, a.incident_id, a.item_id LIMIT $${params.length}`,
        params,
      ),
    );
    return rows.map((row) => ({
      incidentId: String(row.incident_id),
      itemId: String(row.item_id),
      title: String(row.title),
      owner: String(row.owner),
      team: (row.team as string | null) ?? null,
      state: row.state as ActionItemState,
      createdAt: iso(row.created_at)!,
      dueAt: iso(row.due_at),
      closedAt: iso(row.closed_at),
      overdue: Boolean(row.overdue),
      incidentTitle: String(row.incident_title ?? ''),
    }));
  }

  /** Incidents not yet resolved, counted by severity and team (for the Prometheus gauge). */
  async openIncidents(): Promise<{ severity: string; team: string; count: number }[]> {
    return storeCall(() =>
      this.db.query<{ severity: string; team: string; count: number }>(
        `SELECT severity, coalesce(team, 'none') AS team, count(*)::int AS count FROM incidents WHERE resolved_at IS NULL AND closed_at IS NULL GROUP BY 1, 2`,
      ),
    );
  }

  /** Incidents whose title, summary or updates match every word of `query`, newest first. */
  async search(query: string, limit: number): Promise<FoundIncident[]> {
    const rows = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        `SELECT i.incident_id, i.title, i.severity, i.team, i.service, i.phase, i.declared_at, i.resolved_at, i.closed_at
         FROM incident_search s JOIN incidents i ON i.incident_id = s.incident_id
         WHERE s.search @@ plainto_tsquery('simple', $1) ORDER BY i.declared_at DESC LIMIT $2`,
        [repairText(query), limit],
      ),
    );
    return rows.map((row) => ({
      id: String(row.incident_id),
      title: String(row.title),
      severity: String(row.severity),
      ...(row.team ? { team: String(row.team) } : {}),
      ...(row.service ? { service: String(row.service) } : {}),
      phase: String(row.phase),
      status: row.closed_at ? 'closed' : row.resolved_at ? 'resolved' : 'open',
      declaredAt: iso(row.declared_at)!,
      ...(row.closed_at ? { closedAt: iso(row.closed_at)! } : {}),
    }));
  }
}
