/**
 * The archive of every incident's timeline: appended by the incident workflow, read page by page. Each
 * append also folds the events stored for the first time into the projection analytics read, in the same
 * transaction: a retried append stores nothing twice and so folds nothing twice.
 */
import { repairText } from '../common/text';
import type { TimelineEvent } from '../workflows/incident-state';
import type { Database } from './database';
import { applyProjection } from './project';
import type { Observation, ProjectionContext } from './projection';

export class TimelineArchive {
  constructor(
    private readonly db: Database,
    /** What the fold needs of the current policy; without it, events are archived but not projected. */
    private readonly projection?: () => ProjectionContext,
    /** Told what newly folded events observed, once their transaction committed (Prometheus counters). */
    private readonly observe?: (observations: Observation[]) => void,
  ) {}

  /** Store events; ones already stored (same incident and seq) are left as they are. */
  async append(incidentId: string, events: TimelineEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    // jsonb holds no NUL and no lone surrogate: repair rather than lose an event to a retry loop.
    const repaired = repairText(events);
    const { stored, observations } = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ seq: number }>(
        `INSERT INTO timeline_events (incident_id, seq, at, type, actor, event)
         SELECT $1, (e->>'seq')::int, (e->>'at')::timestamptz, e->>'type', e->>'by', e FROM jsonb_array_elements($2::jsonb) AS e
         ON CONFLICT (incident_id, seq) DO NOTHING RETURNING seq`,
        [incidentId, JSON.stringify(repaired)],
      );
      const folded = this.projection && rows.length > 0 ? await applyProjection(tx, incidentId, this.projection()) : undefined;
      return { stored: rows.length, observations: folded?.observations ?? [] };
    });
    if (observations.length > 0) this.observe?.(observations);
    return stored;
  }

  /** Events after `afterSeq`, oldest first, at most `limit` (all when unset). */
  async read(incidentId: string, options: { afterSeq?: number; throughSeq?: number; limit?: number } = {}): Promise<TimelineEvent[]> {
    const rows = await this.db.query<{ event: TimelineEvent }>(`SELECT event FROM timeline_events WHERE incident_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`, [
      incidentId,
      options.afterSeq ?? 0,
      options.throughSeq ?? 2_147_483_647,
      options.limit ?? null,
    ]);
    return rows.map((row) => row.event);
  }
}
