/**
 * Rebuilding the projection: the archive is filled from what Temporal holds (idempotent, so events already
 * stored are left alone), then every incident is folded again from the archive. Losing the store loses
 * nothing that Temporal still has.
 */
import type { TimelineEvent } from '../workflows/incident-state';
import type { Database } from './database';
import { applyProjection } from './project';
import type { ProjectionContext } from './projection';
import type { TimelineArchive } from './timeline';

export interface RebuildReport {
  incidents: number;
  eventsRead: number;
  eventsStored: number;
  eventsFolded: number;
}

const APPEND_CHUNK = 500;

/**
 * `stop` (Marshal stopping) ends the rebuild between incidents. Stopped before the fold, the projection
 * stays as the live archive keeps it; stopped during it, an incident not yet folded again is folded from
 * scratch at its next archived event, or by the next rebuild.
 */
export async function rebuildProjection(
  db: Database,
  archive: TimelineArchive,
  timelines: AsyncIterable<{ incidentId: string; events: TimelineEvent[] }>,
  context: () => ProjectionContext,
  stop?: AbortSignal,
): Promise<RebuildReport> {
  const report: RebuildReport = { incidents: 0, eventsRead: 0, eventsStored: 0, eventsFolded: 0 };
  for await (const { incidentId, events } of timelines) {
    report.incidents += 1;
    report.eventsRead += events.length;
    for (let start = 0; start < events.length; start += APPEND_CHUNK) report.eventsStored += await archive.append(incidentId, events.slice(start, start + APPEND_CHUNK));
  }
  if (stop?.aborted) return report;
  // Fold everything again from the archive: the projection is derived, so it can always be thrown away.
  await db.exec('TRUNCATE incidents, incident_search, pages, rests, action_items, projection_progress');
  const incidents = await db.query<{ incident_id: string }>('SELECT DISTINCT incident_id FROM timeline_events ORDER BY incident_id');
  for (const { incident_id: incidentId } of incidents) {
    if (stop?.aborted) break;
    for (;;) {
      // Counters describe live events: a rebuild folds without observing (they would count twice).
      const { events: folded } = await db.transaction((tx) => applyProjection(tx, incidentId, context()));
      report.eventsFolded += folded;
      if (folded === 0) break;
    }
  }
  return report;
}
