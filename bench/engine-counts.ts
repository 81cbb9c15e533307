/**
 * Counting what Marshal asks of the engine, for bench/counts.ts (a declaration) and bench/intake-counts.ts
 * (alert intake): a workflow history tallied by kind, and every RPC the dev server's frontend served (its
 * `service_requests` metric), polls and the benchmark's own reads left out.
 */
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

export type Tally = Record<string, number>;

/** What a workflow's history holds so far, by kind. */
export function tallyHistory(events: temporal.api.history.v1.IHistoryEvent[]): Tally {
  const tally: Tally = { events: events.length };
  const add = (key: string) => (tally[key] = (tally[key] ?? 0) + 1);
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        add('workflowTasks');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add('activities');
        add(`activity:${event.activityTaskScheduledEventAttributes?.activityType?.name}`);
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        add('timersStarted');
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        add('searchAttributeUpserts');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        add('signalsReceived');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add('updatesAccepted');
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add('childrenStarted');
        break;
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        add('signalsSent');
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        // A local activity leaves a marker, not an activity task: counted apart.
        if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') add('localActivities');
        break;
    }
  }
  return tally;
}

/** Requests the frontend served, by operation (the server's `service_requests` counter). */
export async function rpcCounts(metricsUrl: string): Promise<Tally> {
  const text = await (await fetch(metricsUrl)).text();
  const tally: Tally = {};
  for (const line of text.split('\n')) {
    // The dev server runs every service in one process; what Marshal asked for is what its frontend served.
    if (!line.startsWith('service_requests{') || !line.includes('service_name="frontend"')) continue;
    const operation = /operation="([^"]+)"/.exec(line)?.[1];
    if (!operation) continue;
    tally[operation] = (tally[operation] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return tally;
}

export const minus = (after: Tally, before: Tally, divisor = 1): Tally =>
  Object.fromEntries(
    Object.keys(after)
      .map((key) => [key, Math.round(((after[key] - (before[key] ?? 0)) / divisor) * 100) / 100] as const)
      .filter(([, value]) => value !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * Polls say nothing about a declaration's cost (workers make them whether or not there is work), and this
 * script's own reads (histories, the overrides workflows' list) are not Marshal's.
 */
export const withoutPolls = (tally: Tally): Tally =>
  Object.fromEntries(Object.entries(tally).filter(([operation]) => !operation.startsWith('Poll') && !['GetWorkflowExecutionHistory', 'ListWorkflowExecutions'].includes(operation)));
