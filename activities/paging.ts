/**
 * The activities incident workflows use to reach people. They read the policy that is active when they
 * run, so a new policy version applies to running timers from their next firing, and they are
 * idempotent under retries: every notification carries a key made from the incident id and event seq.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { escalationStepPlan, type EscalationStepPlan, type EscalationStepRequest } from '../policy/escalation-step';
import { openIncidentsHeldBy } from '../engine/responder-load';
import { onCallAt } from '../policy/oncall';
import { restOverride } from '../policy/rest';
import type { Policy } from '../policy/types';
import type { CurrentPolicy, PersonInbox, TeamOverrides } from './ports';
import type { NotificationKind, ReminderReason } from '../workflows/incident-state';
import { reachPerson, type DeliveryOutcome } from './reach-person';
import type { Notification, NotificationAction } from './channels/types';
import { signActionLink, type LinkPurpose } from '../common/action-links';

export interface IncidentFacts {
  id: string;
  title: string;
  severity: string;
  team?: string;
  service?: string;
}

export type { EscalationStepPlan };

export interface PagingDeps {
  policies: CurrentPolicy;
  overrides: TeamOverrides;
  client: Client;
  /** Base URL of the API, for links in notifications (known once the HTTP server listens). */
  publicUrl: () => string;
  /** Signs the one-click action links (Acknowledge, Post an update, Accept handoff) in notifications (server/runtime/link-secret.ts); without it, pages carry none. */
  linkSecret?: string;
  env?: NodeJS.ProcessEnv;
  /** People's console inboxes, where this process holds the store. */
  inbox?: PersonInbox;
}

/** The team's working timezone: its lead's, where business days and deadlines are counted. */
function teamTimezone(policy: Policy, team: string): string {
  const lead = policy.teams[team]?.lead;
  return (lead && policy.people[lead]?.timezone) || 'UTC';
}

/** Notifications that demand someone act now go out on every channel a person has, not just the first that works (the inbox always). */
const URGENT: NotificationKind[] = ['page', 'escalation', 'overflow', 'reroute', 'handoff'];

/** Notifications that ask for an acknowledgement, and so carry a signed one-click Acknowledge link. */
const ACKNOWLEDGE: NotificationKind[] = ['page', 'escalation', 'overflow', 'reroute'];

/** Reminders that ask for a status update, and so carry a signed "Post an update" link. */
const UPDATE_REASONS: ReminderReason[] = ['status-update-due', 'idle'];

/** How each kind of incident notification is presented by the channels. */
const CHANNEL_KIND: Record<NotificationKind, Notification['kind']> = {
  page: 'page',
  overflow: 'page',
  reroute: 'page',
  escalation: 'escalation',
  handoff: 'handoff',
  reminder: 'reminder',
  lead: 'reminder',
  info: 'info',
};

/**
 * Heartbeat while an activity runs, so that when its worker dies Temporal retries it elsewhere within the
 * heartbeat timeout instead of waiting out the whole start-to-close timeout (an email can take 40 s).
 */
function heartbeating<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    // A local activity runs inside its workflow task and has no heartbeat to send.
    if (Context.current().info.isLocal) return fn(...args);
    const timer = setInterval(() => Context.current().heartbeat(), 2_000);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}

export function createPagingActivities(deps: PagingDeps) {
  const activities = pagingActivities(deps);
  return {
    ...activities,
    planEscalationStep: heartbeating(activities.planEscalationStep),
    notifyPerson: heartbeating(activities.notifyPerson),
    applyRestRule: heartbeating(activities.applyRestRule),
  };
}

function pagingActivities(deps: PagingDeps) {
  const env = deps.env ?? process.env;

  return {
    /** Step `step` of the escalation that started at `startedAt`, planned against the current policy. */
    async planEscalationStep(input: EscalationStepRequest & { incidentId: string }): Promise<EscalationStepPlan> {
      const policy = deps.policies.current;
      const overrides = policy.teams[input.team] ? await deps.overrides.active(input.team) : [];
      return escalationStepPlan(policy, input, overrides, (personId) => openIncidentsHeldBy(deps.client, Context.current().info.taskQueue, personId, input.incidentId));
    },

    /** Tell one person, trying their channels in order; a channel that fails falls back to the next. */
    async notifyPerson(input: {
      key: string;
      personId: string;
      kind: NotificationKind;
      headline: string;
      detail: string;
      incident: IncidentFacts;
      /** Why a reminder is sent (ReminderReason): a status update due gets a "post an update" link. */
      reason?: ReminderReason;
      /** What a notice asks that its kind alone does not say: a commander handoff asks to be accepted. */
      asks?: 'accept-handoff';
    }): Promise<DeliveryOutcome> {
      const policy = deps.policies.current;
      const person = policy.people[input.personId];
      if (!person) return { outcome: 'failed', failures: [`${input.personId} is not in policy ${policy.version}`] };
      // People follow links in a browser: the console page, never the API (which answers a browser 401).
      const url = `${deps.publicUrl()}/console/incidents/${input.incident.id}`;
      const actions: NotificationAction[] = [];
      /** A signed link for this person and incident, answered at `/console/<path>` (server/web/console/action-link-routes.ts). */
      const signed = async (purpose: LinkPurpose, path: string, kind: NotificationAction['kind'], label: string) => {
        if (!deps.linkSecret) return;
        const token = await signActionLink(deps.linkSecret, { purpose, personId: person.id, incidentId: input.incident.id });
        actions.push({ kind, label, url: `${deps.publicUrl()}/console/${path}?t=${token}` });
      };
      if (ACKNOWLEDGE.includes(input.kind)) await signed('acknowledge', 'ack', 'acknowledge', 'Acknowledge');
      if (input.kind === 'reminder' && input.reason && UPDATE_REASONS.includes(input.reason)) {
        // Without a link secret, the console's update form (a sign-in away) is the next best thing.
        if (deps.linkSecret) await signed('update', 'update', 'post-update', 'Post an update');
        else actions.push({ kind: 'post-update', label: 'Post an update', url: `${url}#u-message` });
      }
      // The commander handoff itself and the reminders to accept it; a responder's shift handoff asks no acceptance.
      if (input.asks === 'accept-handoff' || (input.kind === 'reminder' && input.reason === 'handoff-unaccepted')) {
        await signed('accept-handoff', 'accept-handoff', 'accept-handoff', 'Accept handoff');
      }
      const notification: Notification = {
        key: input.key,
        kind: CHANNEL_KIND[input.kind],
        incidentId: input.incident.id,
        incidentTitle: input.incident.title,
        severity: input.incident.severity,
        team: input.incident.team,
        service: input.incident.service,
        url,
        ...(actions.length > 0 ? { actions } : {}),
        recipient: { personId: person.id, name: person.name },
        headline: input.headline,
        body: `${input.detail}\n\n${input.incident.severity} · ${input.incident.title}${input.incident.service ? ` · ${input.incident.service}` : ''}\n${url}`,
        occurredAt: new Date().toISOString(),
      };
      return reachPerson(policy, person, notification, { everyChannel: URGENT.includes(input.kind), env, inbox: deps.inbox });
    },

    /** The rest rule: after a night page for a high severity, the person rests and the next covers. */
    async applyRestRule(input: { team: string; personId: string; severity: string; at: string }): Promise<{ cover: string; until: string } | null> {
      const policy = deps.policies.current;
      if (!policy.teams[input.team]) return null;
      const rest = restOverride(policy, input.team, { personId: input.personId, severity: input.severity, at: new Date(input.at) });
      if (!rest) return null;
      const existing = await deps.overrides.active(input.team, { fresh: true });
      const until = new Date(rest.to).toISOString();
      // One rest per night: a later page that same night finds the override and adds none. A retry of this
      // very call (attempt > 1) finds the one it added before failing, and answers as the first try would have.
      const already = existing.some((override) => override.replaces === input.personId && new Date(override.to).toISOString() === until);
      if (already) return Context.current().info.attempt > 1 ? { cover: rest.person, until } : null;
      await deps.overrides.add(input.team, {
        person: rest.person,
        replaces: input.personId,
        from: new Date(rest.from).toISOString(),
        to: until,
        reason: `rest rule: ${input.personId} was paged for a ${input.severity} at night`,
        by: 'marshal',
      });
      return { cover: rest.person, until };
    },

    /** When a responder's current on-call shift ends, or null if they are not on call for the team now. */
    async responderShiftEnd(input: { team: string; personId: string; at: string }): Promise<string | null> {
      const policy = deps.policies.current;
      if (!policy.teams[input.team]) return null;
      const answer = onCallAt(policy, input.team, new Date(input.at), await deps.overrides.active(input.team));
      const holder = [answer.primary, answer.secondary].find((person) => person?.personId === input.personId);
      return holder?.shiftEnd ?? null;
    },

    /** Who takes over from a responder at the end of their shift: the primary at that instant. */
    async incomingOnCall(input: { team: string; at: string }): Promise<string | null> {
      const policy = deps.policies.current;
      if (!policy.teams[input.team]) return null;
      return onCallAt(policy, input.team, new Date(input.at), await deps.overrides.active(input.team)).primary?.personId ?? null;
    },

    async teamLead(input: { team: string }): Promise<string | null> {
      return deps.policies.current.teams[input.team]?.lead ?? null;
    },

    /** `days` business days (Monday to Friday) after `from`, counted in the team's timezone. */
    async businessDeadline(input: { team: string; from: string; days: number }): Promise<string> {
      let at = DateTime.fromISO(input.from, { zone: teamTimezone(deps.policies.current, input.team) });
      for (let added = 0; added < input.days;) {
        at = at.plus({ days: 1 });
        if (at.weekday <= 5) added += 1;
      }
      return at.toUTC().toISO()!;
    },
  };
}

export type PagingActivities = ReturnType<typeof createPagingActivities>;
