/**
 * The one activity that writes an incident's timeline to the archive. It runs on the store's own task queue
 * (`storeTaskQueue`), served by the process that holds the store, so a worker without the store (a
 * scaled-out `npm run worker`) never needs it.
 */
import type { TimelineEvent } from '../workflows/incident-state';

export interface TimelineArchiveActivities {
  archiveTimeline(input: { incidentId: string; events: TimelineEvent[] }): Promise<number>;
}

export function createTimelineArchiveActivities(archive: { append(incidentId: string, events: TimelineEvent[]): Promise<number> }): TimelineArchiveActivities {
  return {
    archiveTimeline: ({ incidentId, events }) => archive.append(incidentId, events),
  };
}
