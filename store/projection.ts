/**
 * The projection's fold: what a batch of newly stored timeline events changes in the incident's row, its
 * pages, rests and action items. Pure; store/project.ts runs it inside the archive's transaction.
 * Night pages need each person's clock and "highest severity" the policy's order, so the caller passes both.
 */
import { DateTime } from 'luxon';
import type { Policy } from '../policy/types';
import type { TimelineEvent } from '../workflows/incident-state';

export interface IncidentFacts {
  incident_id: string;
  title: string;
  summary: string;
  team: string | null;
  first_team: string | null;
  service: string | null;
  phase: string;
  declared_severity: string;
  severity: string;
  highest_severity: string;
  upgrades: number;
  downgrades: number;
  declared_by: string;
  from_alert: boolean;
  alert_rule: string | null;
  declared_at: string;
  /** Set by an edit; durations of impact (time to resolve) count from it when set. */
  impact_started_at: string | null;
  first_paged_at: string | null;
  first_paged_team: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  first_public_update_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  closed_at: string | null;
  responder_needed: boolean;
  rerouted: boolean;
  alert_events: number;
  highest_escalation_level: number;
  exhausted: boolean;
  postmortem_due_at: string | null;
  postmortem_published_at: string | null;
}

export interface PageRow {
  incident_id: string;
  seq: number;
  at: string;
  person: string;
  kind: string;
  step: number | null;
  team: string | null;
  local_hour: number;
}

export interface RestRow {
  incident_id: string;
  seq: number;
  at: string;
  person: string;
  cover: string;
}

export interface ActionItemChange {
  incident_id: string;
  item_id: string;
  title?: string;
  owner?: string;
  team?: string | null;
  created_at?: string;
  due_at?: string | null;
  state: 'open' | 'completed' | 'waived';
  closed_at?: string | null;
}

export interface ProjectionContext {
  /** The person's IANA time zone (policy), for night pages; UTC when unknown. */
  zoneOf(person: string): string | undefined;
  /** A severity's rank: lower is more severe (its place in the policy's list). */
  rankOf(severity: string): number;
  /** Whether a declarer is an alert integration (intake declares in the integration's name). */
  isIntegration(name: string): boolean;
}

/** What happened, for counters (Prometheus): taken from events as they are folded, so each counts once. */
export type Observation =
  | { kind: 'page'; team: string | null }
  | { kind: 'delivery'; channel: string; outcome: string }
  | { kind: 'acknowledged'; seconds: number; severity: string; team: string | null }
  | { kind: 'escalation'; team: string | null; level: number }
  | { kind: 'exhausted'; team: string | null };

export interface Projected {
  facts: IncidentFacts | undefined;
  pages: PageRow[];
  rests: RestRow[];
  items: ActionItemChange[];
  /** Words to add to the incident's full-text search: titles, summaries, updates. */
  searchText: string[];
  observations: Observation[];
}

/** Who pages count as: the notification kinds that wake someone for the incident itself. */
export const PAGE_KINDS = new Set(['page', 'escalation', 'overflow', 'reroute']);

const localHour = (at: string, zone: string | undefined) => {
  const time = DateTime.fromISO(at, { zone: zone ?? 'UTC' });
  return (time.isValid ? time : DateTime.fromISO(at, { zone: 'UTC' })).hour;
};

export function project(current: IncidentFacts | undefined, incidentId: string, events: TimelineEvent[], context: ProjectionContext): Projected {
  let facts = current ? { ...current } : undefined;
  const out: Projected = { facts, pages: [], rests: [], items: [], searchText: [], observations: [] };
  for (const event of events) {
    if (event.type === 'declared') {
      facts = {
        incident_id: incidentId,
        title: event.title,
        summary: event.summary ?? '',
        team: event.team ?? null,
        first_team: event.team ?? null,
        service: event.service ?? null,
        phase: 'discover',
        declared_severity: event.severity,
        severity: event.severity,
        highest_severity: event.severity,
        upgrades: 0,
        downgrades: 0,
        declared_by: event.by,
        from_alert: context.isIntegration(event.by),
        alert_rule: null,
        declared_at: event.at,
        impact_started_at: null,
        first_paged_at: null,
        first_paged_team: null,
        acknowledged_at: null,
        acknowledged_by: null,
        first_public_update_at: null,
        resolved_at: null,
        resolved_by: null,
        closed_at: null,
        responder_needed: true,
        rerouted: false,
        alert_events: 0,
        highest_escalation_level: 0,
        exhausted: false,
        postmortem_due_at: null,
        postmortem_published_at: null,
      };
      out.searchText.push(event.title, event.summary ?? '');
      continue;
    }
    // Events of an incident whose declaration is not stored yet cannot be folded; the archive stores in order.
    if (!facts) continue;
    switch (event.type) {
      case 'acknowledged':
        if (facts.acknowledged_at) break;
        Object.assign(facts, { acknowledged_at: event.at, acknowledged_by: event.by });
        out.observations.push({ kind: 'acknowledged', seconds: (Date.parse(event.at) - Date.parse(facts.declared_at)) / 1000, severity: facts.severity, team: facts.team });
        break;
      case 'status-updated':
        if (event.public && !facts.first_public_update_at) facts.first_public_update_at = event.at;
        out.searchText.push(event.message);
        break;
      case 'severity-changed': {
        const up = context.rankOf(event.to) < context.rankOf(event.from);
        facts.upgrades += up ? 1 : 0;
        facts.downgrades += up ? 0 : 1;
        facts.severity = event.to;
        facts.responder_needed = event.responderNeeded;
        if (context.rankOf(event.to) < context.rankOf(facts.highest_severity)) facts.highest_severity = event.to;
        break;
      }
      case 'details-edited':
        if (event.title) facts.title = event.title.to;
        if (event.summary) facts.summary = event.summary.to;
        if (event.impactStartedAt) facts.impact_started_at = event.impactStartedAt.to;
        // New words become searchable; the old ones stay, so an incident is found by what it was first called too.
        out.searchText.push(event.title?.to ?? '', event.summary?.to ?? '');
        break;
      case 'team-reassigned':
        facts.team = event.to;
        // Hygiene: the first page went to a team that then handed the incident on.
        if (facts.first_paged_at) facts.rerouted = true;
        break;
      case 'resolved':
        Object.assign(facts, { resolved_at: event.at, resolved_by: event.by });
        out.searchText.push(event.summary);
        break;
      case 'closed':
        facts.closed_at = event.at;
        break;
      case 'phase-changed':
        facts.phase = event.to;
        break;
      case 'alert':
        facts.alert_events += 1;
        if (facts.from_alert && !facts.alert_rule) facts.alert_rule = event.labels?.alertname ?? event.summary.slice(0, 200);
        break;
      case 'escalation-step':
        facts.highest_escalation_level = Math.max(facts.highest_escalation_level, event.level);
        if (event.level > 1) out.observations.push({ kind: 'escalation', team: facts.team, level: event.level });
        break;
      case 'escalation-exhausted':
        facts.exhausted = true;
        out.observations.push({ kind: 'exhausted', team: facts.team });
        break;
      case 'delivery':
        out.observations.push({ kind: 'delivery', channel: event.channel ?? 'none', outcome: event.outcome });
        break;
      case 'notified':
        if (!PAGE_KINDS.has(event.kind)) break;
        if (!facts.first_paged_at) Object.assign(facts, { first_paged_at: event.at, first_paged_team: facts.team });
        out.observations.push({ kind: 'page', team: facts.team });
        out.pages.push({
          incident_id: incidentId,
          seq: event.seq,
          at: event.at,
          person: event.to,
          kind: event.kind,
          step: event.step ?? null,
          team: facts.team,
          local_hour: localHour(event.at, context.zoneOf(event.to)),
        });
        break;
      case 'rest-taken':
        out.rests.push({ incident_id: incidentId, seq: event.seq, at: event.at, person: event.person, cover: event.cover });
        break;
      case 'postmortem-due':
        facts.postmortem_due_at = event.dueAt;
        break;
      case 'postmortem-published':
        facts.postmortem_published_at ??= event.at;
        break;
      case 'action-item-added':
        out.items.push({ incident_id: incidentId, item_id: event.itemId, title: event.title, owner: event.owner, team: facts.team, created_at: event.at, due_at: event.dueAt ?? null, state: 'open' });
        break;
      case 'action-item-completed':
      case 'action-item-waived':
        out.items.push({ incident_id: incidentId, item_id: event.itemId, state: event.type === 'action-item-completed' ? 'completed' : 'waived', closed_at: event.at });
        break;
      default:
        break;
    }
  }
  out.facts = facts;
  return out;
}

/** The fold's context from a policy: people's time zones, the severities' order, the intake integrations. */
export function projectionContextOf(policy: Policy): ProjectionContext {
  const ranks = new Map(policy.severities.map((severity, index) => [severity.name, index]));
  const integrations = new Set(Object.keys(policy.integrations?.intake ?? {}));
  return {
    zoneOf: (person) => policy.people[person]?.timezone,
    // A severity the policy no longer has ranks below every known one.
    rankOf: (severity) => ranks.get(severity) ?? ranks.size,
    isIntegration: (name) => integrations.has(name),
  };
}
