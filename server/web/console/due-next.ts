/**
 * What the incident owes next, and when: the next escalation page while nobody has acknowledged, the next
 * status update by the severity's cadence, the postmortem deadline and the open action items' due dates.
 * Pure (the view, the policy and an instant in, a sorted list out), so the console's "Due next" panel and
 * the incident list's highlights agree, and every rule is unit-tested. The times follow the same anchors
 * the follow-through loops wait on (workflows/follow-through/), so what the page promises is what happens.
 */
import { escalationPlan } from '../../../policy/escalation';
import { parseDuration } from '../../../policy/duration';
import type { Policy } from '../../../policy/types';
import { HANDOFF_ACCEPT_WITHIN_DEFAULT, severityPolicy, type TimelineEvent } from '../../../workflows/incident-state';
import type { IncidentView } from '../../../workflows/incident-view';

export type DueKind = 'escalation' | 'status-update' | 'postmortem' | 'action-item' | 'handoff';

export interface DueItem {
  kind: DueKind;
  /** What is due, in words, e.g. "Escalation: level 2 pages bo". */
  what: string;
  at: string;
  overdue: boolean;
}

const durationMs = (text: string | undefined): number | undefined => {
  if (!text) return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
};

/** The next page of the running escalation, counted from its start as the escalation loop counts. */
function nextEscalation(incident: IncidentView, policy: Policy): { what: string; at: number } | undefined {
  if (incident.acknowledgedAt || incident.resolvedAt || incident.closedAt || !incident.responderNeeded) return undefined;
  let started: Extract<TimelineEvent, { type: 'escalation-started' }> | undefined;
  let steps = 0;
  for (const event of incident.timeline) {
    if (event.type === 'escalation-started') [started, steps] = [event, 0];
    else if (event.type === 'escalation-step' && started) steps++;
    else if (event.type === 'escalation-exhausted' && started) return undefined;
  }
  if (!started) return undefined;
  try {
    const plan = escalationPlan(policy, started.team, started.severity, new Date(started.at));
    const step = plan.steps[steps];
    const start = Date.parse(started.at);
    if (!step) return { what: 'Escalation ends: the team lead is told nobody answered', at: start + plan.exhaustedAfterMs };
    const who = step.targets.length ? step.targets.join(', ') : 'nobody on call';
    return { what: `${steps === 0 ? 'First page' : `Escalation: level ${step.level}${step.round ? ` (repeat ${step.round})` : ''}`} pages ${who}`, at: start + step.afterMs };
  } catch {
    // A team or severity the current policy no longer knows: fall back to the severity's own timeout.
    const timeout = durationMs(severityPolicy(incident.policy, incident.severity)?.acknowledgementTimeout);
    const last = incident.timeline.filter((event) => event.type === 'escalation-step').at(-1)?.at ?? started.at;
    return timeout ? { what: 'Next escalation page', at: Date.parse(last) + timeout } : undefined;
  }
}

/** A status update is owed a cadence after the last one (or after acknowledgement) until the incident is resolved. */
function nextStatusUpdate(incident: IncidentView): number | undefined {
  if (!incident.acknowledgedAt || incident.resolvedAt || incident.closedAt) return undefined;
  const cadence = durationMs(severityPolicy(incident.policy, incident.severity)?.statusUpdateCadence);
  if (!cadence) return undefined;
  const anchor = incident.statusUpdates.at(-1)?.at ?? incident.acknowledgedAt;
  return Date.parse(anchor) + cadence;
}

export function dueNext(incident: IncidentView, policy: Policy, now: number): DueItem[] {
  const items: { kind: DueKind; what: string; at: number }[] = [];
  const escalation = nextEscalation(incident, policy);
  if (escalation) items.push({ kind: 'escalation', ...escalation });
  const update = nextStatusUpdate(incident);
  if (update !== undefined) items.push({ kind: 'status-update', what: `Status update (every ${severityPolicy(incident.policy, incident.severity)?.statusUpdateCadence})`, at: update });
  const handoff = incident.pendingHandoff;
  if (handoff && !incident.resolvedAt && !incident.closedAt) {
    // The first reminder to accept goes out then (workflows/follow-through/roles.ts); past it, the handoff is overdue.
    const within = durationMs(severityPolicy(incident.policy, incident.severity)?.handoffAcceptWithin ?? HANDOFF_ACCEPT_WITHIN_DEFAULT);
    if (within) items.push({ kind: 'handoff', what: `Commander handoff awaiting acceptance by ${handoff.to} (from ${handoff.from})`, at: Date.parse(handoff.at) + within });
  }
  if (incident.postmortemDueAt && !incident.postmortem && !incident.closedAt) items.push({ kind: 'postmortem', what: 'Postmortem published', at: Date.parse(incident.postmortemDueAt) });
  for (const item of incident.actionItems) {
    if (item.state === 'open' && item.dueAt) items.push({ kind: 'action-item', what: `Action item ${item.id}: ${item.title} (${item.owner})`, at: Date.parse(item.dueAt) });
  }
  return items
    .filter((item) => Number.isFinite(item.at))
    .sort((a, b) => a.at - b.at)
    .map((item) => ({ kind: item.kind, what: item.what, at: new Date(item.at).toISOString(), overdue: item.at <= now }));
}

/** What the incident list flags: nobody has taken it, or something it owes is late. */
export function attentionNeeded(incident: IncidentView, policy: Policy, now: number): string[] {
  const flags: string[] = [];
  if (!incident.acknowledgedAt && !incident.resolvedAt && !incident.closedAt) flags.push('Unacknowledged');
  const late = dueNext(incident, policy, now).filter((item) => item.overdue);
  if (late.some((item) => item.kind === 'status-update')) flags.push('Status update overdue');
  if (late.some((item) => item.kind === 'postmortem')) flags.push('Postmortem overdue');
  if (late.some((item) => item.kind === 'handoff')) flags.push('Handoff not accepted');
  if (late.some((item) => item.kind === 'action-item')) flags.push('Action item overdue');
  return flags;
}

/** "in 4m 05s" or "overdue by 2h 03m 00s": the same words console.js writes every second. */
export function countdown(at: string, now: number): string {
  const left = Date.parse(at) - now;
  let seconds = Math.floor(Math.abs(left) / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const [d, h, m] = [Math.floor(seconds / 86400), Math.floor((seconds % 86400) / 3600), Math.floor((seconds % 3600) / 60)];
  seconds %= 60;
  const span = d > 0 ? `${d}d ${h}h ${pad(m)}m` : h > 0 ? `${h}h ${pad(m)}m ${pad(seconds)}s` : m > 0 ? `${m}m ${pad(seconds)}s` : `${seconds}s`;
  return left > 0 ? `in ${span}` : `overdue by ${span}`;
}
