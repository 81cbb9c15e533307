/**
 * The public status page as data, built from incident states by pure functions. This is the only door
 * from incidents to the public: `publicIncident` copies named public fields one by one (never spreads a
 * state), so responder names, `by` fields, internal updates, pages, alerts, roles, action items and the
 * postmortem cannot reach a customer. An incident is public when its severity is shown on the status page
 * (policy `publicStatusPage`) and someone has published at least one public update.
 */
import type { ServicePolicy } from '../../policy/types';
import { severityPolicy, type UpdateStatus } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';
import { affectedComponents, IMPACT_LABELS, impactOf, listInWords, UPDATE_LABELS, worse, type Impact } from '../documents/plain-language';

export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;

export interface PublicUpdate {
  status: UpdateStatus;
  label: string;
  message: string;
  at: string;
}

export interface PublicIncident {
  id: string;
  name: string;
  /** Impact now: operational once resolved. */
  impact: Impact;
  impactLabel: string;
  /** Impact at its worst, for the 90-day history. */
  peakImpact: Impact;
  status: UpdateStatus;
  statusLabel: string;
  components: string[];
  services: string[];
  startedAt: string;
  resolvedAt?: string;
  /** Newest first. */
  updates: PublicUpdate[];
}

export interface ServiceStatus {
  id: string;
  state: Impact;
  stateLabel: string;
}
export interface DayStatus {
  date: string;
  state: Impact;
}
export interface ComponentStatus {
  name: string;
  state: Impact;
  stateLabel: string;
  services: ServiceStatus[];
  /** Oldest first, one per UTC day, ending today. */
  days: DayStatus[];
  daysWithIncidents: number;
}

export interface PublicStatus {
  generatedAt: string;
  state: Impact;
  stateLabel: string;
  summary: string;
  components: ComponentStatus[];
  activeIncidents: PublicIncident[];
  /** Resolved public incidents of the last 90 days, newest first. */
  pastIncidents: PublicIncident[];
  historyDays: number;
}

/** The public face of one incident, or undefined when it is not public. */
export function publicIncident(incident: IncidentView, services: Record<string, ServicePolicy>): PublicIncident | undefined {
  if (!severityPolicy(incident.policy, incident.severity)?.publicStatusPage) return undefined;
  const published = incident.statusUpdates.filter((update) => update.public);
  if (published.length === 0) return undefined;
  const updates: PublicUpdate[] = published.map((update) => ({ status: update.status, label: UPDATE_LABELS[update.status], message: String(update.message), at: update.at }));
  const last = updates[updates.length - 1];
  // Resolving is news to customers even when nobody wrote the "Resolved" update.
  if (incident.resolvedAt && last.status !== 'resolved') {
    updates.push({ status: 'resolved', label: UPDATE_LABELS.resolved, message: 'This incident has been resolved.', at: incident.resolvedAt });
  }
  const latest = updates[updates.length - 1];
  const resolvedAt = latest.status === 'resolved' ? latest.at : undefined;
  const components = affectedComponents(incident, services);
  const peakImpact = impactOf(incident.severity, incident.policy.severities);
  const impact = impactOf(incident.severity, incident.policy.severities, latest.status);
  return {
    id: String(incident.id),
    name: `${IMPACT_LABELS[peakImpact]} affecting ${listInWords(components)}`,
    impact,
    impactLabel: IMPACT_LABELS[impact],
    peakImpact,
    status: latest.status,
    statusLabel: UPDATE_LABELS[latest.status],
    components,
    services: incident.service && services[incident.service]?.component ? [incident.service] : [],
    startedAt: updates[0].at < incident.declaredAt ? updates[0].at : incident.declaredAt,
    ...(resolvedAt ? { resolvedAt } : {}),
    updates: updates.reverse(),
  };
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function buildStatus(incidents: PublicIncident[], services: Record<string, ServicePolicy>, now: string): PublicStatus {
  const nowMs = Date.parse(now);
  const since = nowMs - HISTORY_DAYS * DAY_MS;
  const recent = incidents.filter((incident) => !incident.resolvedAt || Date.parse(incident.resolvedAt) >= since);
  const active = recent.filter((incident) => !incident.resolvedAt).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const past = recent.filter((incident) => incident.resolvedAt).sort((a, b) => b.startedAt.localeCompare(a.startedAt));

  const today = Date.parse(`${dayOf(nowMs)}T00:00:00Z`);
  const dates = Array.from({ length: HISTORY_DAYS }, (_, i) => today - (HISTORY_DAYS - 1 - i) * DAY_MS);
  const byComponent = new Map<string, [string, ServicePolicy][]>();
  // Components and their services appear in the order config/services.yaml lists them.
  for (const [id, service] of Object.entries(services)) {
    if (!service.component) continue;
    byComponent.set(service.component, [...(byComponent.get(service.component) ?? []), [id, service]]);
  }

  const components: ComponentStatus[] = [...byComponent.entries()].map(([name, members]) => {
    const serviceStates = members.map(([id]) => {
      const state = active.filter((incident) => incident.services.includes(id)).reduce<Impact>((acc, incident) => worse(acc, incident.impact), 'operational');
      return { id, state, stateLabel: IMPACT_LABELS[state] };
    });
    const state = serviceStates.reduce<Impact>((acc, service) => worse(acc, service.state), 'operational');
    const touching = recent.filter((incident) => incident.components.includes(name));
    const days = dates.map((start) => {
      const end = start + DAY_MS;
      const dayState = touching
        .filter((incident) => Date.parse(incident.startedAt) < end && (incident.resolvedAt ? Date.parse(incident.resolvedAt) : nowMs) >= start)
        .reduce<Impact>((acc, incident) => worse(acc, incident.peakImpact), 'operational');
      return { date: dayOf(start), state: dayState };
    });
    return { name, state, stateLabel: IMPACT_LABELS[state], services: serviceStates, days, daysWithIncidents: days.filter((day) => day.state !== 'operational').length };
  });

  // An incident whose service has no component still counts for the overall state.
  const state = [...components.map((component) => component.state), ...active.map((incident) => incident.impact)].reduce<Impact>(worse, 'operational');
  const affected = components.filter((component) => component.state !== 'operational').map((component) => component.name);
  const summary =
    state === 'operational'
      ? 'All systems operational'
      : `${IMPACT_LABELS[state]}: ${affected.length ? listInWords(affected) : 'some of our services'} ${affected.length === 1 ? 'is' : 'are'} affected`;
  return { generatedAt: now, state, stateLabel: IMPACT_LABELS[state], summary, components, activeIncidents: active, pastIncidents: past, historyDays: HISTORY_DAYS };
}
