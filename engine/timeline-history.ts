/**
 * Every timeline event Temporal holds, read back for a projection rebuild: Temporal is the system of
 * record, and the store only a copy. Each run of an incident archived its events through the
 * `archiveTimeline` activity, whose inputs stay in that run's history; what the latest run has not archived
 * yet (or, for incidents from before archiving, the whole timeline) is in its state. Histories of closed
 * incidents are kept for the namespace's retention period: a rebuild recovers what Temporal still has.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TimelineArchiveActivities } from '../activities/timeline-archive';
import type { IncidentState, TimelineEvent } from '../workflows/incident-state';
import { incidentIdFromWorkflowId, stateQuery } from '../workflows/incident-contract';
import { TASK_QUEUE } from '../workflows/queues';

const QUERY_DEADLINE_MS = 10_000;
const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface IncidentTimeline {
  incidentId: string;
  events: TimelineEvent[];
}

/** Each incident's events, one incident at a time, every run of it read; events in seq order. Ends early once `stop` is aborted. */
export async function* timelinesFromTemporal(client: Client, taskQueue = TASK_QUEUE, stop?: AbortSignal): AsyncGenerator<IncidentTimeline> {
  const runs = new Map<string, { runId: string; latest: boolean }[]>();
  for await (const info of client.workflow.list({ query: `WorkflowType = 'incident' AND TaskQueue = ${quote(taskQueue)}` })) {
    if (stop?.aborted) return;
    const list = runs.get(info.workflowId) ?? [];
    list.push({ runId: info.runId, latest: info.status.name !== 'CONTINUED_AS_NEW' });
    runs.set(info.workflowId, list);
  }
  for (const [workflowId, executions] of runs) {
    if (stop?.aborted) return;
    const bySeq = new Map<number, TimelineEvent>();
    for (const { runId, latest } of executions) {
      const handle = client.workflow.getHandle(workflowId, runId);
      const history = await handle.fetchHistory();
      for (const event of history.events ?? []) {
        const scheduled = event.activityTaskScheduledEventAttributes;
        if (scheduled?.activityType?.name !== 'archiveTimeline' || !scheduled.input?.payloads?.[0]) continue;
        const input = defaultPayloadConverter.fromPayload<Parameters<TimelineArchiveActivities['archiveTimeline']>[0]>(scheduled.input.payloads[0]);
        for (const archived of input.events) bySeq.set(archived.seq, archived);
      }
      if (latest) {
        // A query of a closed incident needs a worker to replay it: without one, what its runs archived is all there is.
        const state = await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query<IncidentState>(stateQuery)).catch(() => undefined);
        for (const kept of state?.timeline ?? []) if (kept.seq > (state?.archivedThrough ?? 0)) bySeq.set(kept.seq, kept);
      }
    }
    yield { incidentId: incidentIdFromWorkflowId(workflowId), events: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
  }
}
