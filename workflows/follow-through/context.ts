/**
 * What every follow-through duty shares: the incident it serves (state, record, busy), the paging
 * activities, and how it tells people (notify records the notification, delivers it, and records how it
 * went). Each duty is a loop in a file of its own that sleeps on a timer or a state change; where a loop
 * stands is derived from the timeline, so a run that continues as new picks every loop up where it was
 * and sends nothing twice.
 */
import { condition, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { PagingActivities } from '../../activities/paging';
import { parseDuration } from '../../policy/duration';
import type { FirstStep } from '../incident-contract';
import type { Changes } from '../patches';
import type { EventBody, IncidentState, NotificationKind, ReminderReason, TimelineEvent } from '../incident-state';

export const activities = proxyActivities<PagingActivities>({
  startToCloseTimeout: '1 minute',
  // The activities heartbeat: a worker that dies mid-delivery is noticed in seconds, not a minute.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * Reads of policy and on-call (an escalation step's plan, who comes on at a shift's end, a team's lead, a
 * business-day deadline) take milliseconds: run in the worker inside the workflow task, as
 * local activities, they cost no task of their own, where an activity costs a schedule, a dispatch and
 * another workflow task for its result.
 */
const local = proxyLocalActivities<PagingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Plan one escalation step. Histories from before plans ran locally planned by activity, and replay so. */
export const planEscalationStep = (ctx: FollowThrough, request: Parameters<PagingActivities['planEscalationStep']>[0]) =>
  (ctx.takes('local-plans-v1') ? local : activities).planEscalationStep(request);

/**
 * The other reads, local since `local-reads-v1`; histories from before replay their activities. Not
 * `responderShiftEnd`: it is read in the acknowledgement's own task, and a local read there holds that task
 * open, so the timers it sets (the status and idle reminders) start that much late; as an activity it costs
 * a task of its own after the acknowledgement has been committed.
 */
export const reads = (ctx: FollowThrough): Pick<PagingActivities, 'incomingOnCall' | 'teamLead' | 'businessDeadline'> => (ctx.takes('local-reads-v1') ? local : activities);

export interface FollowThrough {
  state(): IncidentState;
  /** Whether the run takes a change guarded by a patch (see ../patches.ts). */
  takes: Changes;
  /** The declaration's first escalation step, if the server planned it (IncidentInput.firstStep). */
  firstStep?: FirstStep;
  record(events: EventBody[], by?: string): TimelineEvent[];
  /** Count work under way, so the run does not close or continue as new in the middle of it. */
  busy(delta: number): void;
}

export const ms = (duration: string | undefined) => (duration ? parseDuration(duration) : undefined);
const facts = (state: IncidentState) => ({ id: state.id, title: state.title, severity: state.severity, team: state.team, service: state.service });
export const open = (state: IncidentState) => !state.resolvedAt && !state.closedAt;
/** Reminders of one reason sent after the event numbered `seq`. */
export const remindedSince = (state: IncidentState, seq: number, reason: ReminderReason) => (state.landmarks.reminders[reason] ?? []).filter((sent) => sent.seq > seq);

/** Who is responding now: whoever the last shift-end handoff went to, else the acknowledger. */
export function currentResponder(state: IncidentState): string | undefined {
  return state.landmarks.handedOffTo ?? state.acknowledgedBy;
}

/** A unit of follow-through work that must finish before the run closes or continues as new. */
export async function atomically<T>(ctx: FollowThrough, work: () => Promise<T>): Promise<T> {
  ctx.busy(1);
  try {
    return await work();
  } finally {
    ctx.busy(-1);
  }
}

/**
 * Run a loop until it ends; if it fails (an activity exhausted its retries), say so on the timeline and
 * start it again a minute later, where the timeline says it stood. A failing loop never fails the incident.
 */
export async function keepRunning(ctx: FollowThrough, name: string, loop: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await loop();
    } catch (error) {
      if (ctx.state().closedAt) return;
      ctx.record([{ type: 'follow-through-failed', loop: name, error: (error as Error).message }]);
      await sleep('1 minute');
    }
  }
}

/** Record that someone is told something, deliver it, and record how it went. */
export interface Message {
  headline: string;
  detail: string;
}

/** A reminder carries a stable `reason` (whether it was sent is decided by it); a page carries its escalation step. */
export async function notify(
  ctx: FollowThrough,
  to: string,
  kind: NotificationKind,
  { headline, detail }: Message,
  { step, reason, asks }: { step?: number; reason?: ReminderReason; asks?: 'accept-handoff' } = {},
): Promise<void> {
  await atomically(ctx, async () => {
    const [sent] = ctx.record([{ type: 'notified', to, kind, headline, step, ...(reason ? { reason } : {}) }]);
    const result = await activities
      .notifyPerson({ key: `${ctx.state().id}:${sent.seq}`, personId: to, kind, headline, detail, incident: facts(ctx.state()), ...(reason ? { reason } : {}), ...(asks ? { asks } : {}) })
      .catch((error: Error) => ({ outcome: 'failed' as const, channel: undefined, target: undefined, failures: [exhaustedDelivery(error)] }));
    ctx.record([{ type: 'delivery', ref: sent.seq, to, ...result }]);
  });
}

/**
 * Why a delivery gave up after its last retry: the activity's own error (the receivers' answers), which the
 * SDK wraps as the cause of a generic "Activity task failed". Cut short: it is kept in the incident's state.
 */
function exhaustedDelivery(error: Error): string {
  const reason = error.cause instanceof Error ? error.cause.message : error.message;
  return reason.length > 500 ? `${reason.slice(0, 499)}…` : reason;
}

export async function notifyLead(ctx: FollowThrough, message: Message, reason?: ReminderReason): Promise<void> {
  await atomically(ctx, async () => {
    const team = ctx.state().team;
    const lead = team ? await reads(ctx).teamLead({ team }) : null;
    if (lead) await notify(ctx, lead, 'lead', message, { reason });
  });
}

/** Wait until the incident ends or its severity changes: a severity without a duty may be followed by one with it. */
export const untilSeverityChanges = (ctx: FollowThrough) => {
  const severity = ctx.state().severity;
  return condition(() => !open(ctx.state()) || ctx.state().severity !== severity);
};

/** Wait until someone acknowledged (or the incident ended): most duties start there. */
export const untilAcknowledged = (ctx: FollowThrough) => condition(() => !open(ctx.state()) || Boolean(ctx.state().acknowledgedAt));
