/**
 * The incident as a pure fold of its timeline: `evolve(state, event)` gives the next state, and
 * `decide(state, command)` says which event a command produces or why it is refused. No Temporal here,
 * so every rule of the lifecycle is unit-tested on its own; the workflow only adds durability.
 */
import type { Role, SeverityPolicy } from '../policy/types';

export const PHASES = ['discover', 'act', 'resolve', 'reflect', 'closed'] as const;
export type Phase = (typeof PHASES)[number];
/** `open` until resolved, `resolved` while Reflect is under way, `closed` when nothing is owed. */
export type IncidentStatus = 'open' | 'resolved' | 'closed';
export const ROLES: readonly Role[] = ['commander', 'communications', 'scribe'];
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** The slice of policy an incident runs under; it arrives as workflow input and with policy signals. */
export interface IncidentPolicy {
  version: string;
  severities: SeverityPolicy[];
}

export interface Declaration {
  id: string;
  title: string;
  severity: string;
  team?: string;
  service?: string;
  summary?: string;
  reporter?: string;
}

/** One delivery of an alert from a monitor, as intake normalised it. */
export interface AlertObservation {
  /** The integration it came through, e.g. alertmanager, grafana, events, generic. */
  source: string;
  /** The alert's identity: a fingerprint, or routing key + dedup key. Never its summary. */
  key: string;
  status: 'firing' | 'resolved';
  summary: string;
  labels?: Record<string, string>;
  /**
   * What the sender says about the alert beyond its identity: annotations (summary, description,
   * runbook_url, …) and its links (generatorURL, dashboardURL, panelURL, silenceURL, …). Intake bounds them.
   */
  annotations?: Record<string, string>;
  startsAt?: string;
  url?: string;
}

/** An alert attached to the incident, with how often it was delivered. */
export interface AttachedAlert {
  key: string;
  source: string;
  summary: string;
  status: 'firing' | 'resolved';
  labels?: Record<string, string>;
  /** The latest delivery's annotations and links, within KEPT's limits. */
  annotations?: Record<string, string>;
  url?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  deliveries: number;
}

/**
 * A change to a service the incident concerns — a deploy, a config push — as a sender reported it
 * (PagerDuty change events). It informs the response; it never pages and changes no phase.
 */
export interface ChangeReport {
  /** The integration it came through. */
  integration: string;
  summary: string;
  service: string;
  /** Where the change happened, as the sender names it (a pipeline, a host). */
  source?: string;
  /** When the sender says the change happened. */
  occurredAt?: string;
  links?: { href: string; text?: string }[];
  details?: Record<string, string>;
}

/** What happened, without the bookkeeping every event carries. */
export type EventBody =
  | ({ type: 'declared'; policyVersion: string } & Omit<Declaration, 'id'>)
  | { type: 'acknowledged' }
  | { type: 'status-updated'; status: UpdateStatus; message: string; public: boolean }
  | { type: 'severity-changed'; from: string; to: string; reason: string; responderNeeded: boolean }
  | {
      type: 'role-assigned';
      role: Role;
      person: string;
      previous?: string;
      /** What the outgoing holder wants the incoming one to know. */
      notes?: string;
      /** The person was told (assignments recorded before roles were announced were silent). */
      announced?: boolean;
      /** A commander replaced by someone else: the incoming commander must accept (see `handoff-accepted`). */
      awaitsAcceptance?: boolean;
    }
  | { type: 'handoff-accepted'; role: Role; from?: string }
  | { type: 'team-reassigned'; from?: string; to: string; reason: string }
  | { type: 'details-edited'; title?: Edit; summary?: Edit; impactStartedAt?: Edit }
  | { type: 'resolved'; summary: string }
  | { type: 'action-item-added'; itemId: string; title: string; owner: string; dueAt?: string }
  | { type: 'action-item-completed'; itemId: string }
  | { type: 'action-item-waived'; itemId: string; reason: string }
  | { type: 'postmortem-published'; markdown: string }
  | ({ type: 'alert' } & AlertObservation)
  | { type: 'monitor-recovered' }
  | ({ type: 'change' } & ChangeReport)
  | { type: 'escalation-started'; team: string; severity: string; reason: 'declared' | 'reassigned' | 'severity-changed' }
  | { type: 'escalation-step'; step: number; level: number; round: number; targets: string[]; unresolved: string[]; overflow: boolean }
  | { type: 'escalation-exhausted'; lead?: string }
  | { type: 'notified'; to: string; kind: NotificationKind; headline: string; step?: number; reason?: ReminderReason }
  | { type: 'delivery'; ref: number; to: string; outcome: 'delivered' | 'failed'; channel?: string; target?: string; failures: string[] }
  | { type: 'handoff'; from: string; to: string }
  | { type: 'rest-taken'; person: string; cover: string; until: string }
  | { type: 'postmortem-due'; dueAt: string }
  | { type: 'follow-through-failed'; loop: string; error: string }
  | { type: 'policy-applied'; from: string; to: string }
  | { type: 'phase-changed'; from: Phase; to: Phase }
  | { type: 'closed' };

/** One edited field: what it said before (absent when it was never set) and what it says now. */
export interface Edit {
  from?: string;
  to: string;
}

/** `seq` numbers events from 1 in order; with the incident id it is the idempotency key of anything the event causes. */
export type TimelineEvent = EventBody & { seq: number; at: string; by: string };

export interface StatusUpdate {
  seq: number;
  at: string;
  by: string;
  status: UpdateStatus;
  message: string;
  public: boolean;
}

export interface ActionItem {
  id: string;
  title: string;
  owner: string;
  dueAt?: string;
  state: 'open' | 'completed' | 'waived';
  createdAt: string;
  closedAt?: string;
  closedBy?: string;
  waiveReason?: string;
}

/** Why someone was told something: pages demand acknowledgement, the rest inform or remind. */
export type NotificationKind = 'page' | 'escalation' | 'overflow' | 'reroute' | 'handoff' | 'reminder' | 'lead' | 'info';

/** Every notification sent for the incident, with what became of it (contract name: `pages`). */
export interface Page {
  seq: number;
  at: string;
  to: string;
  kind: NotificationKind;
  headline: string;
  outcome: 'sending' | 'delivered' | 'failed';
  channel?: string;
  failures?: string[];
}

/**
 * Reminders the incident's own loops send, by a name that never changes: whether one was already sent
 * is decided by this, never by its wording, so rewording a message re-sends nothing.
 */
export const REMINDER_REASONS = ['status-update-due', 'idle', 'commander-fatigue', 'postmortem-due-tomorrow', 'postmortem-due-now', 'postmortem-overdue', 'handoff-unaccepted'] as const;
export type ReminderReason = (typeof REMINDER_REASONS)[number];
/** Events recorded before reasons existed are recognised by their (then fixed) headlines. */
const REASON_OF_HEADLINE: Record<string, ReminderReason> = {
  'Status update due': 'status-update-due',
  'Still on it?': 'idle',
  'Time to hand off?': 'commander-fatigue',
  'Postmortem due tomorrow': 'postmortem-due-tomorrow',
  'Postmortem due now': 'postmortem-due-now',
  'Postmortem overdue': 'postmortem-overdue',
};

/**
 * What the follow-through loops decide from, kept up to date by `evolve` so that no decision needs the
 * whole timeline: the workflow keeps only recent events (the rest is archived), whatever the incident's length.
 */
export interface Landmarks {
  /** The running escalation (the last `escalation-started`) and what happened since it started. */
  escalation?: { seq: number; at: string; team: string; severity: string; reason: 'declared' | 'reassigned' | 'severity-changed'; steps: number; exhausted: boolean; rerouted: boolean };
  acknowledgedSeq?: number;
  /** The last thing a person (or their tools) did; idle reminders count from it. */
  lastHumanActivity?: { seq: number; at: string };
  commanderAssigned?: { seq: number; at: string };
  handedOffTo?: string;
  resolvedBy?: string;
  /** Who was last paged (not merely told): the responder search attribute until someone acknowledges. */
  lastPaged?: string;
  /** The most recent reminders of each reason (a few each). */
  reminders: Partial<Record<ReminderReason, { seq: number; at: string }[]>>;
  lastStatusUpdate?: StatusUpdate;
  statusUpdateCount: number;
  /** When the first "monitoring" update came: from then on the incident is in Resolve. */
  monitoringAt?: string;
}

/**
 * An incident's state in its workflow: bounded, whatever the incident's length. The timeline holds the
 * events not yet archived and a few archived ones with long texts shortened; pages and alerts keep the
 * most recent; the full timeline, status updates and postmortem text are read from the archive (see
 * incident-view.ts). STATE_BUDGET_BYTES says how large it may grow.
 */
export interface IncidentState extends Declaration {
  phase: Phase;
  status: IncidentStatus;
  /** A commander handoff the incoming commander has not accepted yet (notes cut to KEPT.handoffNotes). */
  pendingHandoff?: PendingHandoff;
  /** False once triage decided no responder is needed; paging stops then. */
  responderNeeded: boolean;
  roles: Partial<Record<Role, string>>;
  timeline: TimelineEvent[];
  /** The sequence number of the last event recorded. */
  lastSeq: number;
  /** Events up to this sequence number are in the archive. */
  archivedThrough: number;
  /** The size (as JSON) of the events not yet archived: archiving starts when it grows. */
  pendingBytes: number;
  /** Alert changes counted but not recorded one by one, during storms faster than archiving. */
  alertChangesFolded?: number;
  pages: Page[];
  actionItems: ActionItem[];
  /** Alerts from monitors attached to this incident, one entry per alert identity (the most recent). */
  alerts: AttachedAlert[];
  /** Published: when and by whom; its text is the `postmortem-published` event's. */
  postmortem?: { seq: number; publishedAt: string; publishedBy: string };
  postmortemDueAt?: string;
  policy: IncidentPolicy;
  policyVersion: string;
  declaredAt: string;
  /** When the impact began, if someone said so (an edit): durations of impact count from it, not from declaration. */
  impactStartedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolution?: string;
  closedAt?: string;
  landmarks: Landmarks;
}

/** How long an incoming commander has to accept a handoff before a reminder, unless the severity says (handoffAcceptWithin). */
export const HANDOFF_ACCEPT_WITHIN_DEFAULT = '10m';

export interface PendingHandoff {
  seq: number;
  at: string;
  from: string;
  to: string;
  notes?: string;
}

/** What the workflow keeps of each kind (see IncidentState); the archive keeps everything. */
export const KEPT = {
  /** Archived events kept in the state for a glance at recent history. */
  archivedEvents: 30,
  /** Characters of each text kept for an archived event in the state. */
  archivedText: 280,
  pages: 50,
  alerts: 100,
  alertLabels: 30,
  labelText: 200,
  /**
   * An alert's annotations: the first few, each value cut, and all of them together within a budget, so that
   * 100 annotated alerts stay far below the state budget (its `alert` events in the archive keep up to 1 KB each).
   */
  alertAnnotations: 20,
  annotationText: 512,
  alertAnnotationChars: 1536,
  remindersPerReason: 10,
  /** Characters of handoff notes the pending handoff keeps (the event in the archive has them whole). */
  handoffNotes: 2000,
  actionItems: 200,
  /**
   * Alert changes stop being recorded one by one while this much waits to be archived (a storm faster than
   * archiving): they are counted instead, and recorded again once the archive has caught up.
   */
  pendingAlertBytes: 96 * 1024,
} as const;

/** The state's size limit, far below Temporal's 2 MB payload limit; the long-incident test holds it to this. */
export const STATE_BUDGET_BYTES = 256 * 1024;

/** Commands as the API sends them; `by` is who acts. */
export type Command =
  | { type: 'acknowledge'; by: string }
  | { type: 'post-status-update'; by: string; status: UpdateStatus; message: string; public?: boolean }
  | { type: 'change-severity'; by: string; severity: string; reason: string; responderNeeded?: boolean }
  /** `announce` is set by the workflow (under a patch): tell the person, and have an incoming commander accept. */
  | { type: 'assign-role'; by: string; role: Role; person: string; notes?: string; announce?: boolean }
  | { type: 'accept-handoff'; by: string }
  | { type: 'reassign-team'; by: string; team: string; reason: string }
  | { type: 'edit-details'; by: string; title?: string; summary?: string; impactStartedAt?: string }
  | { type: 'resolve'; by: string; summary: string }
  | { type: 'add-action-item'; by: string; title: string; owner: string; dueAt?: string }
  | { type: 'complete-action-item'; by: string; itemId: string }
  | { type: 'waive-action-item'; by: string; itemId: string; reason: string }
  | { type: 'publish-postmortem'; by: string; markdown: string };

/** Why a command was refused. `conflict` → 409, `not-found` → 404, `invalid` → 400. */
export interface Refusal {
  kind: 'conflict' | 'not-found' | 'invalid';
  reason: string;
  field?: string;
}

export type Decision = { ok: true; events: EventBody[] } | { ok: false; refusal: Refusal };

export function severityPolicy(policy: IncidentPolicy, name: string): SeverityPolicy | undefined {
  return policy.severities.find((severity) => severity.name === name);
}

/** The state before anything happened; `evolve` with the `declared` event fills it in. */
export function initialState(id: string, policy: IncidentPolicy): IncidentState {
  return {
    id,
    title: '',
    severity: '',
    phase: 'discover',
    status: 'open',
    responderNeeded: true,
    roles: {},
    timeline: [],
    lastSeq: 0,
    archivedThrough: 0,
    pendingBytes: 0,
    pages: [],
    actionItems: [],
    alerts: [],
    policy,
    policyVersion: policy.version,
    declaredAt: '',
    landmarks: { reminders: {}, statusUpdateCount: 0 },
  };
}

/** Events people (and their tools) cause, as opposed to Marshal's own bookkeeping and alerts. */
const isHumanActivity = (event: TimelineEvent) => event.by !== 'marshal' && !['delivery', 'notified', 'alert', 'monitor-recovered', 'change'].includes(event.type);

const keepLast = <T>(items: T[], count: number) => (items.length > count ? items.slice(items.length - count) : items);
const shorten = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text);

/** An alert's labels as the state keeps them: the first few, values shortened (the archive has them all). */
function keptLabels(labels: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!labels) return undefined;
  return Object.fromEntries(
    Object.entries(labels)
      .slice(0, KEPT.alertLabels)
      .map(([key, value]) => [shorten(key, KEPT.labelText), shorten(String(value), KEPT.labelText)]),
  );
}

/**
 * An alert's annotations as the state keeps them: the first few (intake puts summary, description, runbook
 * and links first), each value cut, and together within a budget so 100 alerts stay small (the archive has
 * every delivery's annotations as intake bounded them).
 */
function keptAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  let left = KEPT.alertAnnotationChars;
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations).slice(0, KEPT.alertAnnotations)) {
    if (left <= 0) break;
    const text = shorten(String(value), Math.min(KEPT.annotationText, left));
    kept[shorten(key, KEPT.labelText)] = text;
    left -= text.length;
  }
  return kept;
}

/** The most recent alerts; when over the limit, resolved ones leave first. */
function keptAlerts(alerts: AttachedAlert[]): AttachedAlert[] {
  if (alerts.length <= KEPT.alerts) return alerts;
  const drop = alerts.findIndex((alert) => alert.status === 'resolved');
  return alerts.filter((_, index) => index !== (drop >= 0 ? drop : 0));
}

/** The attached alerts after one delivery: a known identity updated, a new one added. */
function withAlert(alerts: AttachedAlert[], alert: AlertObservation, at: string): AttachedAlert[] {
  const { key, source, summary, status, url } = alert;
  const known = alerts.some((attached) => attached.key === key);
  return known
    ? alerts.map((attached) =>
        attached.key === key
          ? {
              ...attached,
              status,
              summary: shorten(summary, KEPT.labelText),
              // A delivery without annotations (a PagerDuty resolve) keeps what the trigger said.
              ...(alert.annotations ? { annotations: keptAnnotations(alert.annotations) } : {}),
              lastSeenAt: at,
              deliveries: attached.deliveries + 1,
            }
          : attached,
      )
    : keptAlerts([
        ...alerts,
        {
          key,
          source,
          summary: shorten(summary, KEPT.labelText),
          status,
          labels: keptLabels(alert.labels),
          ...(alert.annotations ? { annotations: keptAnnotations(alert.annotations) } : {}),
          url,
          firstSeenAt: at,
          lastSeenAt: at,
          deliveries: 1,
        },
      ]);
}

function evolveLandmarks(marks: Landmarks, event: TimelineEvent): Landmarks {
  let next = marks;
  const set = (change: Partial<Landmarks>) => (next = { ...next, ...change });
  if (isHumanActivity(event)) set({ lastHumanActivity: { seq: event.seq, at: event.at } });
  switch (event.type) {
    case 'acknowledged':
      set({ acknowledgedSeq: event.seq });
      break;
    case 'escalation-started':
      set({ escalation: { seq: event.seq, at: event.at, team: event.team, severity: event.severity, reason: event.reason, steps: 0, exhausted: false, rerouted: false } });
      break;
    case 'escalation-step':
      if (next.escalation) set({ escalation: { ...next.escalation, steps: next.escalation.steps + 1 } });
      break;
    case 'escalation-exhausted':
      if (next.escalation) set({ escalation: { ...next.escalation, exhausted: true } });
      break;
    case 'notified': {
      if (event.kind === 'reroute' && next.escalation) set({ escalation: { ...next.escalation, rerouted: true } });
      if (!['info', 'reminder', 'lead'].includes(event.kind)) set({ lastPaged: event.to });
      const reason = event.reason ?? REASON_OF_HEADLINE[event.headline];
      if (reason) set({ reminders: { ...next.reminders, [reason]: keepLast([...(next.reminders[reason] ?? []), { seq: event.seq, at: event.at }], KEPT.remindersPerReason) } });
      break;
    }
    case 'role-assigned':
      if (event.role === 'commander') set({ commanderAssigned: { seq: event.seq, at: event.at } });
      break;
    case 'handoff':
      set({ handedOffTo: event.to });
      break;
    case 'resolved':
      set({ resolvedBy: event.by });
      break;
    case 'status-updated': {
      const { seq, at, by, status, message } = event;
      set({ lastStatusUpdate: { seq, at, by, status, message, public: event.public }, statusUpdateCount: next.statusUpdateCount + 1 });
      if (status === 'monitoring' && !next.monitoringAt) set({ monitoringAt: at });
      break;
    }
    default:
      break;
  }
  return next;
}

export function evolve(state: IncidentState, event: TimelineEvent): IncidentState {
  const next: IncidentState = {
    ...state,
    timeline: [...state.timeline, event],
    lastSeq: event.seq,
    pendingBytes: (state.pendingBytes ?? 0) + JSON.stringify(event).length,
    landmarks: evolveLandmarks(state.landmarks, event),
  };
  switch (event.type) {
    case 'declared':
      return {
        ...next,
        title: event.title,
        severity: event.severity,
        team: event.team,
        service: event.service,
        summary: event.summary,
        reporter: event.reporter,
        policyVersion: event.policyVersion,
        declaredAt: event.at,
      };
    case 'acknowledged':
      return { ...next, acknowledgedAt: event.at, acknowledgedBy: event.by };
    case 'severity-changed':
      return { ...next, severity: event.to, responderNeeded: event.responderNeeded };
    case 'role-assigned': {
      const roles = { ...state.roles, [event.role]: event.person };
      if (event.role !== 'commander') return { ...next, roles };
      // A new commander settles any handoff still waiting; a replacement by someone else opens one.
      const pendingHandoff: PendingHandoff | undefined =
        event.awaitsAcceptance && event.previous
          ? { seq: event.seq, at: event.at, from: event.previous, to: event.person, ...(event.notes ? { notes: shorten(event.notes, KEPT.handoffNotes) } : {}) }
          : undefined;
      return { ...next, roles, pendingHandoff };
    }
    case 'handoff-accepted':
      return { ...next, pendingHandoff: undefined };
    case 'team-reassigned':
      return { ...next, team: event.to };
    case 'details-edited':
      return {
        ...next,
        ...(event.title ? { title: event.title.to } : {}),
        ...(event.summary ? { summary: event.summary.to } : {}),
        ...(event.impactStartedAt ? { impactStartedAt: event.impactStartedAt.to } : {}),
      };
    case 'resolved':
      return { ...next, status: 'resolved', resolvedAt: event.at, resolution: event.summary };
    case 'action-item-added':
      return {
        ...next,
        actionItems: [...state.actionItems, { id: event.itemId, title: event.title, owner: event.owner, dueAt: event.dueAt, state: 'open', createdAt: event.at }],
      };
    case 'action-item-completed':
    case 'action-item-waived': {
      const waived = event.type === 'action-item-waived';
      const actionItems = state.actionItems.map((item) =>
        item.id !== event.itemId
          ? item
          : { ...item, state: waived ? ('waived' as const) : ('completed' as const), closedAt: event.at, closedBy: event.by, waiveReason: waived ? event.reason : undefined },
      );
      return { ...next, actionItems };
    }
    case 'postmortem-published':
      return { ...next, postmortem: { seq: event.seq, publishedAt: event.at, publishedBy: event.by } };
    case 'alert':
      return { ...next, alerts: withAlert(state.alerts, event, event.at) };
    case 'notified':
      return { ...next, pages: keepLast([...state.pages, { seq: event.seq, at: event.at, to: event.to, kind: event.kind, headline: event.headline, outcome: 'sending' as const }], KEPT.pages) };
    case 'delivery':
      return {
        ...next,
        pages: state.pages.map((page) => (page.seq === event.ref ? { ...page, outcome: event.outcome, channel: event.channel, failures: event.failures } : page)),
      };
    case 'postmortem-due':
      return { ...next, postmortemDueAt: event.dueAt };
    case 'status-updated':
    case 'monitor-recovered':
    case 'change':
    case 'escalation-started':
    case 'escalation-step':
    case 'escalation-exhausted':
    case 'handoff':
    case 'rest-taken':
    case 'follow-through-failed':
      return next;
    case 'policy-applied':
      return { ...next, policyVersion: event.to };
    case 'phase-changed':
      return { ...next, phase: event.to };
    case 'closed':
      return { ...next, status: 'closed', closedAt: event.at };
  }
}

const isEdit = (value: unknown): value is Edit => Boolean(value) && typeof value === 'object' && typeof (value as Edit).to === 'string';
const shortenEdit = (edit: Edit): Edit => ({ ...(edit.from !== undefined ? { from: shorten(edit.from, KEPT.archivedText) } : {}), to: shorten(edit.to, KEPT.archivedText) });

/** An archived event as the state keeps it for a glance: long texts shortened, alert labels and annotations left out. */
function glance(event: TimelineEvent): TimelineEvent {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'labels' || key === 'annotations' || key === 'details') continue;
    kept[key] = typeof value === 'string' ? shorten(value, KEPT.archivedText) : isEdit(value) ? shortenEdit(value) : value;
  }
  return kept as TimelineEvent;
}

/** The archive holds every event up to `throughSeq`: keep a glance of the latest of them, and all after. */
export function markArchived(state: IncidentState, throughSeq: number): IncidentState {
  const through = Math.max(state.archivedThrough, throughSeq);
  const archived = state.timeline.filter((event) => event.seq <= through);
  const rest = state.timeline.filter((event) => event.seq > through);
  const pendingBytes = rest.reduce((sum, event) => sum + JSON.stringify(event).length, 0);
  return { ...state, archivedThrough: through, pendingBytes, timeline: [...keepLast(archived, KEPT.archivedEvents).map(glance), ...rest] };
}

/** Events recorded but not yet archived. */
export const unarchived = (state: IncidentState) => state.timeline.filter((event) => event.seq > state.archivedThrough);

/**
 * Where the lifecycle stands once an event has happened: acknowledging moves Discover to Act, a
 * "monitoring" update (a fix is in, recovery is being confirmed) moves to Resolve, resolving moves to
 * Reflect, and closing ends it. Phases never move backwards.
 */
export function phaseAfter(state: IncidentState): Phase {
  if (state.closedAt) return 'closed';
  if (state.resolvedAt) return 'reflect';
  if (state.landmarks.monitoringAt) return 'resolve';
  if (state.acknowledgedAt) return 'act';
  return 'discover';
}

/** What the closing rules read: the state, or a view of it. */
type Duties = Pick<IncidentState, 'resolvedAt' | 'policy' | 'severity' | 'actionItems'> & { postmortem?: unknown };

export function postmortemRequired(state: Duties): boolean {
  return severityPolicy(state.policy, state.severity)?.postmortem.required ?? false;
}

/** What still keeps a resolved incident open; empty means it may close. */
export function outstandingDuties(state: Duties): string[] {
  if (!state.resolvedAt) return ['resolve the incident'];
  const duties: string[] = [];
  if (postmortemRequired(state) && !state.postmortem) duties.push(`publish the postmortem (required for ${state.severity})`);
  for (const item of state.actionItems) {
    if (item.state === 'open') duties.push(`complete or waive action item ${item.id} "${item.title}"`);
  }
  return duties;
}

export function canClose(state: IncidentState): boolean {
  return !state.closedAt && outstandingDuties(state).length === 0;
}

const refuse = (kind: Refusal['kind'], reason: string, field?: string): Decision => ({ ok: false, refusal: { kind, reason, field } });
const accept = (...events: EventBody[]): Decision => ({ ok: true, events });

/** Which events a command produces, or why the lifecycle forbids it. Pure: the same inputs, the same answer. */
export function decide(state: IncidentState, command: Command): Decision {
  if (state.closedAt) return refuse('conflict', `incident ${state.id} is closed`);
  switch (command.type) {
    case 'acknowledge':
      if (state.acknowledgedAt) return refuse('conflict', `already acknowledged by ${state.acknowledgedBy} at ${state.acknowledgedAt}`);
      if (state.resolvedAt) return refuse('conflict', 'the incident is resolved; there is nothing left to acknowledge');
      return accept({ type: 'acknowledged' });
    case 'post-status-update':
      return accept({ type: 'status-updated', status: command.status, message: command.message, public: command.public ?? false });
    case 'change-severity': {
      if (!severityPolicy(state.policy, command.severity)) {
        const known = state.policy.severities.map((s) => s.name).join(', ');
        return refuse('invalid', `unknown severity "${command.severity}"; policy ${state.policy.version} defines ${known}`, 'severity');
      }
      const responderNeeded = command.responderNeeded ?? true;
      if (command.severity === state.severity && responderNeeded === state.responderNeeded) {
        return refuse('conflict', `severity is already ${state.severity}`);
      }
      const changed: EventBody = { type: 'severity-changed', from: state.severity, to: command.severity, reason: command.reason, responderNeeded };
      // Nobody has taken it yet: page again under the new severity's timeouts.
      const repage = responderNeeded && !state.acknowledgedAt && !state.resolvedAt && Boolean(state.team);
      return repage ? accept(changed, { type: 'escalation-started', team: state.team ?? '', severity: command.severity, reason: 'severity-changed' }) : accept(changed);
    }
    case 'assign-role': {
      const previous = state.roles[command.role];
      if (previous === command.person) return refuse('conflict', `${command.person} is already ${command.role}`);
      // Someone else put in as commander over the current one must confirm they have it; taking it oneself is confirmation.
      const awaitsAcceptance = Boolean(command.announce && command.role === 'commander' && previous && command.by !== command.person);
      return accept({
        type: 'role-assigned',
        role: command.role,
        person: command.person,
        previous,
        ...(command.notes ? { notes: command.notes } : {}),
        ...(command.announce ? { announced: true } : {}),
        ...(awaitsAcceptance ? { awaitsAcceptance } : {}),
      });
    }
    case 'accept-handoff': {
      const pending = state.pendingHandoff;
      if (!pending) return refuse('conflict', 'no commander handoff awaits acceptance');
      if (command.by !== pending.to) return refuse('conflict', `the handoff is to ${pending.to}; only they can accept it`);
      return accept({ type: 'handoff-accepted', role: 'commander', from: pending.from });
    }
    case 'reassign-team':
      if (command.team === state.team) return refuse('conflict', `the incident already belongs to team ${command.team}`);
      // The new team is paged: from level 1 if nobody has acknowledged, else with one reroute page.
      return accept(
        { type: 'team-reassigned', from: state.team, to: command.team, reason: command.reason },
        { type: 'escalation-started', team: command.team, severity: state.severity, reason: 'reassigned' },
      );
    case 'edit-details':
      return decideEdit(state, command);
    case 'resolve':
      if (state.resolvedAt) return refuse('conflict', `already resolved at ${state.resolvedAt}`);
      return accept({ type: 'resolved', summary: command.summary });
    case 'add-action-item':
      if (state.actionItems.length >= KEPT.actionItems)
        return refuse('conflict', `incident ${state.id} already has ${KEPT.actionItems} action items; complete or waive some, or track the rest in one item`);
      return accept({
        type: 'action-item-added',
        itemId: `AI-${state.actionItems.length + 1}`,
        title: command.title,
        owner: command.owner,
        dueAt: command.dueAt,
      });
    case 'complete-action-item':
    case 'waive-action-item': {
      const item = state.actionItems.find((candidate) => candidate.id === command.itemId);
      if (!item) return refuse('not-found', `incident ${state.id} has no action item ${command.itemId}`, 'itemId');
      if (item.state !== 'open') return refuse('conflict', `action item ${item.id} is already ${item.state}`);
      return command.type === 'complete-action-item' ? accept({ type: 'action-item-completed', itemId: item.id }) : accept({ type: 'action-item-waived', itemId: item.id, reason: command.reason });
    }
    case 'publish-postmortem':
      if (!state.resolvedAt) return refuse('conflict', 'resolve the incident before publishing its postmortem');
      return accept({ type: 'postmortem-published', markdown: command.markdown });
  }
}

/** How far before its declaration an incident's impact may have begun: further back is more likely a typo in the year. */
export const IMPACT_START_LOOKBACK_MS = 30 * 24 * 3600 * 1000;

/**
 * Title, summary and impact start, as they are learnt: only what changed is recorded, old and new side by
 * side. Whether an impact start lies in the future needs the clock, so the workflow's validator checks that.
 */
function decideEdit(state: IncidentState, command: Extract<Command, { type: 'edit-details' }>): Decision {
  const edit: Extract<EventBody, { type: 'details-edited' }> = { type: 'details-edited' };
  if (command.title !== undefined && command.title !== state.title) edit.title = { from: state.title, to: command.title };
  if (command.summary !== undefined && command.summary !== (state.summary ?? '')) edit.summary = { ...(state.summary !== undefined ? { from: state.summary } : {}), to: command.summary };
  if (command.impactStartedAt !== undefined) {
    const at = Date.parse(command.impactStartedAt);
    if (!Number.isFinite(at)) return refuse('invalid', `"impactStartedAt" ${command.impactStartedAt.slice(0, 40)} is not an instant such as 2026-12-01T17:00:00Z`, 'impactStartedAt');
    if (state.declaredAt && at < Date.parse(state.declaredAt) - IMPACT_START_LOOKBACK_MS) {
      return refuse('invalid', `"impactStartedAt" ${command.impactStartedAt} is more than 30 days before the declaration (${state.declaredAt}); check the date`, 'impactStartedAt');
    }
    if (at !== Date.parse(state.impactStartedAt ?? '')) edit.impactStartedAt = { ...(state.impactStartedAt ? { from: state.impactStartedAt } : {}), to: new Date(at).toISOString() };
  }
  if (!edit.title && !edit.summary && !edit.impactStartedAt) return refuse('conflict', 'nothing changed: the title, summary and impact start already say that');
  return accept(edit);
}

/**
 * Append events to the timeline, stamping each with its sequence number, time and actor, and record a
 * phase change whenever the lifecycle moved. Closing is its own step (see `canClose`).
 */
export function record(state: IncidentState, events: EventBody[], at: string, by: string): IncidentState {
  let next = state;
  for (const body of events) {
    next = evolve(next, { ...body, seq: next.lastSeq + 1, at, by } as TimelineEvent);
    const phase = phaseAfter(next);
    if (phase !== next.phase) {
      next = evolve(next, { type: 'phase-changed', from: next.phase, to: phase, seq: next.lastSeq + 1, at, by: 'marshal' });
    }
  }
  return next;
}

/**
 * An alert delivery folded in: repeats update the attached alert; when the last firing alert recovers the
 * timeline says "monitor recovered", and where the severity allows it the incident resolves itself.
 */
export function observeAlert(state: IncidentState, alert: AlertObservation, at: string, options: { repeatsAsCounts?: boolean } = {}): IncidentState {
  if (state.closedAt) return state;
  const known = state.alerts.find((attached) => attached.key === alert.key);
  // A repeat of what is already known (a re-notification, an HA twin) changes nothing but the count: the
  // timeline records changes of an alert's state, not every delivery.
  if (options.repeatsAsCounts && known && known.status === alert.status) {
    return { ...state, alerts: withAlert(state.alerts, alert, at) };
  }
  const wasFiring = state.alerts.some((attached) => attached.status === 'firing');
  const storm = options.repeatsAsCounts && state.pendingBytes >= KEPT.pendingAlertBytes;
  let next = storm ? { ...state, alerts: withAlert(state.alerts, alert, at), alertChangesFolded: (state.alertChangesFolded ?? 0) + 1 } : record(state, [{ type: 'alert', ...alert }], at, alert.source);
  const allRecovered = next.alerts.length > 0 && next.alerts.every((attached) => attached.status === 'resolved');
  if (!(wasFiring && allRecovered)) return next;
  next = record(next, [{ type: 'monitor-recovered' }], at, alert.source);
  if (!next.resolvedAt && severityPolicy(next.policy, next.severity)?.autoResolveOnRecovery) {
    next = record(next, [{ type: 'resolved', summary: 'The monitor recovered; resolved automatically as the severity policy allows.' }], at, 'marshal');
  }
  return next;
}

/** A fresh incident: the declaration is its first event. */
export function declare(declaration: Declaration, policy: IncidentPolicy, at: string): IncidentState {
  const { id, ...facts } = declaration;
  const by = declaration.reporter ?? 'unknown';
  return record(initialState(id, policy), [{ type: 'declared', policyVersion: policy.version, ...facts }], at, by);
}

/** Rebuild the state from its timeline alone: the fold the workflow's state must always equal. */
export function replayTimeline(id: string, policy: IncidentPolicy, timeline: TimelineEvent[]): IncidentState {
  return timeline.reduce(evolve, initialState(id, policy));
}

/**
 * The state a run starts from when it continues an earlier one. Runs from before the state was bounded
 * carried their whole timeline and no landmarks: fold it again to derive them.
 */
export function resumeState(carried: IncidentState): IncidentState {
  if (carried.lastSeq !== undefined && carried.landmarks) return carried;
  return { ...replayTimeline(carried.id, carried.policy, carried.timeline), policy: carried.policy, policyVersion: carried.policyVersion };
}
