/**
 * The incident's durable timers: paging and escalation until someone acknowledges, status-update
 * reminders, idle and fatigue nudges, shift-end handoffs, and the postmortem deadline. Each is a loop
 * that sleeps on a timer or a state change; where a loop stands is derived from the timeline, so a run
 * that continues as new picks every loop up where it was and sends nothing twice.
 */
import { condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { PagingActivities } from '../activities/paging';
import { parseDuration } from '../policy/duration';
import { severityPolicy, type EventBody, type IncidentState, type Landmarks, type NotificationKind, type ReminderReason, type TimelineEvent } from './incident-state';

const activities = proxyActivities<PagingActivities>({
  startToCloseTimeout: '1 minute',
  // The activities heartbeat: a worker that dies mid-delivery is noticed in seconds, not a minute.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface FollowThrough {
  state(): IncidentState;
  record(events: EventBody[], by?: string): TimelineEvent[];
  /** Count work under way, so the run does not close or continue as new in the middle of it. */
  busy(delta: number): void;
}

const ms = (duration: string | undefined) => (duration ? parseDuration(duration) : undefined);
const facts = (state: IncidentState) => ({ id: state.id, title: state.title, severity: state.severity, team: state.team, service: state.service });
const open = (state: IncidentState) => !state.resolvedAt && !state.closedAt;
/** Reminders of one reason sent after the event numbered `seq`. */
const remindedSince = (state: IncidentState, seq: number, reason: ReminderReason) => (state.landmarks.reminders[reason] ?? []).filter((sent) => sent.seq > seq);

/** Who is responding now: whoever the last shift-end handoff went to, else the acknowledger. */
export function currentResponder(state: IncidentState): string | undefined {
  return state.landmarks.handedOffTo ?? state.acknowledgedBy;
}

/** A unit of follow-through work that must finish before the run closes or continues as new. */
async function atomically<T>(ctx: FollowThrough, work: () => Promise<T>): Promise<T> {
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
export async function notify(ctx: FollowThrough, to: string, kind: NotificationKind, headline: string, detail: string, step?: number, reason?: ReminderReason): Promise<void> {
  await atomically(ctx, async () => {
    const [sent] = ctx.record([{ type: 'notified', to, kind, headline, step, ...(reason ? { reason } : {}) }]);
    const result = await activities
      .notifyPerson({ key: `${ctx.state().id}:${sent.seq}`, personId: to, kind, headline, detail, incident: facts(ctx.state()) })
      .catch((error: Error) => ({ outcome: 'failed' as const, channel: undefined, target: undefined, failures: [error.message] }));
    ctx.record([{ type: 'delivery', ref: sent.seq, to, ...result }]);
  });
}

export async function notifyLead(ctx: FollowThrough, headline: string, detail: string, reason?: ReminderReason): Promise<void> {
  await atomically(ctx, async () => {
    const team = ctx.state().team;
    const lead = team ? await activities.teamLead({ team }) : null;
    if (lead) await notify(ctx, lead, 'lead', headline, detail, undefined, reason);
  });
}

/** Page by the team's escalation policy until someone acknowledges; restart when the team or severity changes. */
export async function escalate(ctx: FollowThrough): Promise<void> {
  const needsPaging = () => {
    const state = ctx.state();
    return open(state) && state.responderNeeded && !state.acknowledgedAt;
  };
  const escalation = () => ctx.state().landmarks.escalation;
  if (!escalation() && ctx.state().team) {
    ctx.record([{ type: 'escalation-started', team: ctx.state().team!, severity: ctx.state().severity, reason: 'declared' }]);
  }
  for (;;) {
    if (!open(ctx.state())) return;
    const run = escalation();
    const restarted = () => escalation()?.seq !== run?.seq;
    if (!run || !run.team) {
      await condition(() => !open(ctx.state()) || restarted());
      continue;
    }
    if (!needsPaging()) {
      // Reassigned after someone acknowledged: the new team hears of it once, without the whole chain.
      if (run.reason === 'reassigned' && ctx.state().acknowledgedAt && !run.rerouted) {
        await atomically(ctx, async () => {
          const plan = await activities.planEscalationStep({ team: run.team, severity: run.severity, startedAt: run.at, step: 0, incidentId: ctx.state().id });
          for (const person of plan.targets) await notify(ctx, person, 'reroute', `Rerouted to ${run.team}`, `The incident was reassigned to team ${run.team}.`);
        });
      }
      await condition(() => !open(ctx.state()) || restarted() || needsPaging());
      continue;
    }
    const step = run.steps;
    const plan = await activities.planEscalationStep({ team: run.team, severity: run.severity, startedAt: run.at, step, incidentId: ctx.state().id });
    const wait = Date.parse(run.at) + plan.dueAtMs - Date.now();
    if (wait > 0) await condition(() => !needsPaging() || restarted(), wait);
    // Acknowledged, resolved or restarted while planning or waiting: this step is no longer wanted.
    if (!needsPaging() || restarted()) continue;
    if (plan.exhausted) {
      if (!escalation()!.exhausted) {
        await atomically(ctx, async () => {
          ctx.record([{ type: 'escalation-exhausted', lead: plan.lead }]);
          if (plan.lead) await notify(ctx, plan.lead, 'lead', 'Nobody acknowledged', `The escalation chain of team ${run.team} is exhausted; the incident is unacknowledged.`);
        });
      }
      await condition(() => !needsPaging() || restarted());
      continue;
    }
    await atomically(ctx, () => pageStep(ctx, run, step, plan, () => needsPaging() && !restarted()));
  }
}

/** One escalation step: record it, then page each target and apply the rest rule to them. */
async function pageStep(
  ctx: FollowThrough,
  run: NonNullable<Landmarks['escalation']>,
  step: number,
  plan: Awaited<ReturnType<PagingActivities['planEscalationStep']>>,
  stillWanted: () => boolean,
): Promise<void> {
  ctx.record([{ type: 'escalation-step', step, level: plan.level, round: plan.round, targets: plan.targets, unresolved: plan.unresolved, overflow: plan.overflow }]);
  const kind: NotificationKind = plan.overflow ? 'overflow' : step === 0 ? 'page' : 'escalation';
  for (const person of plan.targets) {
    if (!stillWanted()) return;
    await notify(
      ctx,
      person,
      kind,
      `Paged: ${ctx.state().severity} ${ctx.state().title}`,
      `Level ${plan.level}${plan.round ? ` (repeat ${plan.round})` : ''}${plan.overflow ? ', the primary is busy with other incidents' : ''}. Acknowledge to stop the escalation.`,
      step,
    );
    const rest = await activities.applyRestRule({ team: run.team, personId: person, severity: ctx.state().severity, at: new Date().toISOString() });
    if (rest) {
      ctx.record([{ type: 'rest-taken', person, cover: rest.cover, until: rest.until }]);
      await notify(ctx, person, 'info', 'Rest after a night page', `You were paged at night; you are off call until ${rest.until}. ${rest.cover} covers.`);
      await notify(ctx, rest.cover, 'info', `Covering for ${person}`, `${person} rests after a night page; you cover their on-call until ${rest.until}.`);
    }
  }
}

/** Wait until the incident ends or its severity changes: a severity without this duty may be followed by one with it. */
const untilSeverityChanges = (ctx: FollowThrough) => {
  const severity = ctx.state().severity;
  return condition(() => !open(ctx.state()) || ctx.state().severity !== severity);
};

/** No status update within the severity's cadence: remind the responder; from the second miss, the lead too. */
export async function remindStatusUpdates(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await condition(() => !open(ctx.state()) || Boolean(ctx.state().acknowledgedAt));
    const state = ctx.state();
    if (!open(state)) return;
    const cadence = ms(severityPolicy(state.policy, state.severity)?.statusUpdateCadence);
    if (!cadence) {
      await untilSeverityChanges(ctx);
      continue;
    }
    const { lastStatusUpdate, statusUpdateCount, acknowledgedSeq } = state.landmarks;
    const anchorSeq = lastStatusUpdate?.seq ?? acknowledgedSeq!;
    const reminders = remindedSince(state, anchorSeq, 'status-update-due');
    // The next reminder is a cadence after the last one (or after the update): never a burst to catch up.
    const due = Date.parse(reminders.at(-1)?.at ?? lastStatusUpdate?.at ?? state.acknowledgedAt!) + cadence;
    const changed = () => !open(ctx.state()) || ctx.state().landmarks.statusUpdateCount !== statusUpdateCount || ctx.state().severity !== state.severity;
    if (await condition(changed, Math.max(due - Date.now(), 1))) continue;
    const missed = reminders.length + 1;
    await atomically(ctx, async () => {
      const current = ctx.state();
      await notify(
        ctx,
        current.roles.commander ?? currentResponder(current)!,
        'reminder',
        'Status update due',
        `No status update for ${missed} × the ${current.severity} cadence. Post one, even if nothing changed.`,
        undefined,
        'status-update-due',
      );
      if (missed >= 2) await notifyLead(ctx, 'Status updates missed', `${current.title}: ${missed} status-update cadences have passed without an update.`);
    });
  }
}

/** Acknowledged but forgotten: nothing has happened for the severity's idle period. */
export async function remindWhenIdle(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await condition(() => !open(ctx.state()) || Boolean(ctx.state().acknowledgedAt));
    const state = ctx.state();
    if (!open(state)) return;
    const idleFor = severityPolicy(state.policy, state.severity)?.acknowledgedIdleReminder;
    if (!idleFor) {
      await untilSeverityChanges(ctx);
      continue;
    }
    const lastHuman = state.landmarks.lastHumanActivity!;
    const activity = () => !open(ctx.state()) || ctx.state().severity !== state.severity || ctx.state().landmarks.lastHumanActivity?.seq !== lastHuman.seq;
    if (remindedSince(state, lastHuman.seq, 'idle').length === 0) {
      if (await condition(activity, Math.max(Date.parse(lastHuman.at) + parseDuration(idleFor) - Date.now(), 1))) continue;
      await notify(ctx, currentResponder(ctx.state())!, 'reminder', 'Still on it?', `Nothing has happened on this incident for ${idleFor}.`, undefined, 'idle');
    }
    await condition(activity);
  }
}

/** After the severity's fatigue period in the role, suggest the commander hands off. */
export async function watchCommanderFatigue(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await condition(() => !open(ctx.state()) || Boolean(ctx.state().roles.commander));
    const state = ctx.state();
    if (!open(state)) return;
    const fatigue = severityPolicy(state.policy, state.severity)?.commanderFatigueAfter;
    if (!fatigue) {
      await untilSeverityChanges(ctx);
      continue;
    }
    const commander = state.roles.commander!;
    const assigned = state.landmarks.commanderAssigned!;
    const replaced = () => !open(ctx.state()) || ctx.state().roles.commander !== commander || ctx.state().severity !== state.severity;
    if (remindedSince(state, assigned.seq, 'commander-fatigue').length === 0) {
      if (await condition(replaced, Math.max(Date.parse(assigned.at) + parseDuration(fatigue) - Date.now(), 1))) continue;
      await notify(ctx, commander, 'reminder', 'Time to hand off?', `You have been commander for ${fatigue}. Consider handing the role to a rested colleague.`, undefined, 'commander-fatigue');
    }
    await condition(replaced);
  }
}

/** When the responder's shift ends with the incident open, page the incoming on-call with the state. */
export async function handOffAtShiftEnd(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await condition(() => !open(ctx.state()) || Boolean(ctx.state().acknowledgedAt));
    const state = ctx.state();
    if (!open(state)) return;
    const responder = currentResponder(state)!;
    const moved = () => !open(ctx.state()) || ctx.state().team !== state.team || currentResponder(ctx.state()) !== responder;
    const shiftEnd = state.team ? await activities.responderShiftEnd({ team: state.team, personId: responder, at: new Date().toISOString() }) : null;
    // Not on call for the team (e.g. after a reassignment): nothing to hand off until that changes.
    if (!shiftEnd) {
      await condition(moved);
      continue;
    }
    if (await condition(moved, Math.max(Date.parse(shiftEnd) - Date.now(), 1))) continue;
    await atomically(ctx, async () => {
      const incoming = await activities.incomingOnCall({ team: state.team!, at: shiftEnd });
      if (!incoming || incoming === responder) return;
      const now = ctx.state();
      ctx.record([{ type: 'handoff', from: responder, to: incoming }]);
      const latest = now.landmarks.lastStatusUpdate;
      await notify(
        ctx,
        incoming,
        'handoff',
        `Handoff: ${now.title}`,
        `${responder}'s shift ended with this incident open; it is yours now. Phase ${now.phase}, commander ${now.roles.commander ?? 'unassigned'}. Latest update: ${latest ? `${latest.status}: ${latest.message}` : 'none yet'}.`,
      );
    });
    // The same responder is still on (no one else took over): look again after their next shift ends.
    if (currentResponder(ctx.state()) === responder) await condition(moved, 60_000);
  }
}

/** Once resolved, a required postmortem is due in business days: remind before and at, then tell the lead. */
export async function chasePostmortem(ctx: FollowThrough): Promise<void> {
  await condition(() => Boolean(ctx.state().resolvedAt) || Boolean(ctx.state().closedAt));
  const state = ctx.state();
  const rule = severityPolicy(state.policy, state.severity)?.postmortem;
  if (state.closedAt || !rule?.required || state.postmortem) return;
  let dueAt = state.postmortemDueAt;
  if (!dueAt) {
    const deadline = await activities.businessDeadline({ team: state.team ?? '', from: state.resolvedAt!, days: rule.deadlineBusinessDays ?? 5 });
    ctx.record([{ type: 'postmortem-due', dueAt: deadline }]);
    dueAt = deadline;
  }
  const owner = () => ctx.state().roles.commander ?? currentResponder(ctx.state()) ?? ctx.state().landmarks.resolvedBy!;
  const published = () => Boolean(ctx.state().postmortem);
  const DAY = 24 * 3600 * 1000;
  const steps: [number, ReminderReason, string, (headline: string, reason: ReminderReason) => Promise<void>][] = [
    [Date.parse(dueAt) - DAY, 'postmortem-due-tomorrow', 'Postmortem due tomorrow', (h, r) => notify(ctx, owner(), 'reminder', h, `The postmortem for ${state.title} is due ${dueAt}.`, undefined, r)],
    [Date.parse(dueAt), 'postmortem-due-now', 'Postmortem due now', (h, r) => notify(ctx, owner(), 'reminder', h, `The postmortem for ${state.title} was due ${dueAt}.`, undefined, r)],
    [Date.parse(dueAt) + DAY, 'postmortem-overdue', 'Postmortem overdue', (h, r) => notifyLead(ctx, h, `The postmortem for ${state.title} is a day past its deadline (${dueAt}).`, r)],
  ];
  for (const [at, reason, headline, send] of steps) {
    if (remindedSince(ctx.state(), 0, reason).length > 0) continue;
    if (at > Date.now() && (await condition(published, at - Date.now()))) return;
    if (published()) return;
    await send(headline, reason);
  }
}
