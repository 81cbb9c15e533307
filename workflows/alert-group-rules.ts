/**
 * The alert group's rules as pure functions: which incoming alert is stale, which one opens an incident,
 * which ones are forwarded to the open incident, which acknowledgements apply. No Temporal here, so the
 * ordering and dedup rules are unit-tested on their own; workflows/alert-group.ts adds the durability.
 */
import type { AlertObservation, Declaration, IncidentPolicy } from './incident-state';

/** One alert as intake normalised it; `action` says what the sender meant by this delivery. */
export interface IncomingAlert {
  observation: AlertObservation;
  action: 'trigger' | 'acknowledge' | 'resolve';
  /**
   * When this occurrence started by the sender's clock (Alertmanager/Grafana `startsAt`, a PagerDuty
   * trigger's `payload.timestamp`). It tells a late delivery of an old occurrence from a new one.
   */
  occurredAt?: string;
}

/** One accepted HTTP delivery's alerts for one group, with what an incident opened by it would be. */
export interface AlertBatch {
  alerts: IncomingAlert[];
  /** Routing decided by the server under the policy current when the alert arrived. */
  declaration: Omit<Declaration, 'id'>;
  policy: IncidentPolicy;
  /** No routing rule named a service or team: the incident goes to the default team, marked as such. */
  unrouted?: boolean;
  receivedAt: string;
  /** Alertmanager's truncatedAlerts: alerts left out of the message. Never read as "resolved". */
  truncatedAlerts?: number;
}

/** What the group remembers of one alert identity. */
export interface Occurrence {
  status: 'firing' | 'resolved';
  occurredAt?: string;
  /** When the group last heard of it (its own clock). */
  at: string;
  /** The trigger's summary, for resolves and acknowledgements that carry none (PagerDuty's). */
  summary?: string;
  /** Whether this occurrence reached an incident; a resolve that came first is held until its trigger. */
  attached: boolean;
  /** A resolve held because no incident had this alert yet (out-of-order delivery). */
  heldResolve?: AlertObservation;
}

export interface OpenIncident {
  id: string;
  workflowId: string;
  openedAt: string;
  keys: string[];
}

export interface GroupCounts {
  deliveries: number;
  forwarded: number;
  incidentsOpened: number;
  /** Deliveries recognised as late repeats of an occurrence already recovered, or acks/resolves with nothing open. */
  stale: number;
  acknowledged: number;
  truncatedAlerts: number;
}

export interface GroupState {
  integration: string;
  group: string;
  incident?: OpenIncident;
  /** The incident open before this one: a late recovery of one of its alerts is still recorded there. */
  previous?: OpenIncident;
  occurrences: Record<string, Occurrence>;
  /** The most recent incidents this group opened, newest last. */
  incidents: { id: string; openedAt: string }[];
  counts: GroupCounts;
  lastActivityAt: string;
}

/** What the workflow must do for one batch, in order. */
export interface Plan {
  /** Open an incident first, declared from this batch. */
  open: boolean;
  /** Observations for the incident, in delivery order; the same key never appears twice in one wave. */
  forward: AlertObservation[];
  acknowledge: string[];
  /** Recoveries of alerts that belonged to the previous incident (recorded there if it still runs). */
  forwardPrevious: AlertObservation[];
}

/** A held resolve waits this long for its trigger; after that it was a stale resolve and is forgotten. */
export const REORDER_WINDOW_MS = 10 * 60_000;
/** Recovered occurrences are remembered this long so late duplicates of them are recognised. */
export const OCCURRENCE_KEPT_MS = 24 * 3600_000;
const OCCURRENCES_KEPT = 5_000;
const INCIDENTS_KEPT = 20;

export function emptyGroup(integration: string, group: string, at: string): GroupState {
  return {
    integration,
    group,
    occurrences: {},
    incidents: [],
    counts: { deliveries: 0, forwarded: 0, incidentsOpened: 0, stale: 0, acknowledged: 0, truncatedAlerts: 0 },
    lastActivityAt: at,
  };
}

/**
 * A trigger is stale when it repeats an occurrence that is already known to have recovered: the same
 * `startsAt` (Alertmanager HA peers, retries), or — for a resolve that arrived before its trigger — a
 * trigger that is older than that resolve. A trigger after a recovery that reached an incident, with no
 * timestamp to compare, is a new occurrence (PagerDuty: a new trigger after resolve opens a new incident).
 */
export function isStaleTrigger(alert: IncomingAlert, known: Occurrence | undefined, now: number): boolean {
  if (!known || known.status !== 'resolved') return false;
  if (alert.occurredAt && known.occurredAt) return Date.parse(alert.occurredAt) <= Date.parse(known.occurredAt);
  if (known.attached) return false;
  if (alert.occurredAt) return Date.parse(alert.occurredAt) <= Date.parse(known.at);
  return now - Date.parse(known.at) < REORDER_WINDOW_MS;
}

/**
 * Fold one batch into the group: returns the next state and what to do. The incident the state names is
 * open (the workflow asked Temporal just before and called `incidentEnded` otherwise).
 */
export function planBatch(state: GroupState, batch: AlertBatch, now: number): { state: GroupState; plan: Plan } {
  const at = new Date(now).toISOString();
  const occurrences = { ...state.occurrences };
  const counts = { ...state.counts, deliveries: state.counts.deliveries + batch.alerts.length, truncatedAlerts: state.counts.truncatedAlerts + (batch.truncatedAlerts ?? 0) };
  const plan: Plan = { open: false, forward: [], acknowledge: [], forwardPrevious: [] };
  let keys = state.incident ? [...state.incident.keys] : [];
  const hasIncident = () => Boolean(state.incident) || plan.open;
  const attach = (observation: AlertObservation) => {
    if (!hasIncident()) plan.open = true;
    plan.forward.push(observation);
    if (!keys.includes(observation.key)) keys.push(observation.key);
  };

  for (const alert of batch.alerts) {
    const { key } = alert.observation;
    const known = occurrences[key];
    const onIncident = hasIncident() && keys.includes(key);
    if (alert.action === 'acknowledge') {
      if (onIncident) plan.acknowledge.push(alert.observation.source);
      else counts.stale += 1;
      continue;
    }
    if (alert.action === 'resolve' || alert.observation.status === 'resolved') {
      const summary = alert.observation.summary || known?.summary || key;
      const observation: AlertObservation = { ...alert.observation, status: 'resolved', summary };
      const occurredAt = alert.occurredAt ?? known?.occurredAt;
      if (onIncident) {
        plan.forward.push(observation);
        occurrences[key] = { status: 'resolved', occurredAt, at, attached: true, summary };
      } else if (known?.attached && (!alert.occurredAt || !known.occurredAt || alert.occurredAt === known.occurredAt)) {
        // The incident that had it is no longer open: nothing new opens; its recovery is noted there.
        if (known.status === 'firing' && state.previous?.keys.includes(key)) plan.forwardPrevious.push(observation);
        else counts.stale += 1;
        occurrences[key] = { ...known, status: 'resolved', at };
      } else {
        // Resolve before trigger: hold it, so the trigger that is still on its way ends resolved.
        // Held without its annotations: the group may hold thousands for ten minutes; the trigger brings them.
        const { annotations: _context, ...held } = observation;
        occurrences[key] = { status: 'resolved', occurredAt, at, attached: false, heldResolve: held, summary };
        counts.stale += 1;
      }
      continue;
    }
    // A trigger.
    const observation: AlertObservation = { ...alert.observation, status: 'firing' };
    if (isStaleTrigger(alert, known, now)) {
      if (known!.attached || !known!.heldResolve) {
        counts.stale += 1;
        continue;
      }
      // Its resolve came first: record that it fired and that it recovered, in that order.
      attach(observation);
      plan.forward.push({ ...known!.heldResolve, summary: known!.heldResolve.summary === key ? observation.summary : known!.heldResolve.summary });
      occurrences[key] = { status: 'resolved', occurredAt: known!.occurredAt ?? alert.occurredAt, at, attached: true, summary: observation.summary };
      continue;
    }
    attach(observation);
    occurrences[key] = { status: 'firing', occurredAt: alert.occurredAt, at, attached: true, summary: observation.summary };
  }
  counts.forwarded += plan.forward.length;
  counts.acknowledged += plan.acknowledge.length;
  const incident = state.incident ? { ...state.incident, keys } : undefined;
  return { state: { ...state, incident, occurrences, counts, lastActivityAt: at }, plan };
}

/** Record the incident the workflow just opened for a plan; `keys` come from the plan. */
export function incidentOpened(state: GroupState, incident: { id: string; workflowId: string }, plan: Plan, at: string): GroupState {
  const keys = [...new Set(plan.forward.map((observation) => observation.key))];
  const incidents = [...state.incidents, { id: incident.id, openedAt: at }].slice(-INCIDENTS_KEPT);
  return {
    ...state,
    incident: { ...incident, openedAt: at, keys },
    incidents,
    counts: { ...state.counts, incidentsOpened: state.counts.incidentsOpened + 1 },
  };
}

/** The incident is no longer open (resolved or closed): the next trigger opens a new one. */
export function incidentEnded(state: GroupState): GroupState {
  return { ...state, incident: undefined, previous: state.incident ?? state.previous };
}

/** Split observations into waves with at most one per key, so the order per alert survives parallel signals. */
export function waves(observations: AlertObservation[]): AlertObservation[][] {
  const result: AlertObservation[][] = [];
  const waveOfKey = new Map<string, number>();
  for (const observation of observations) {
    const wave = (waveOfKey.get(observation.key) ?? -1) + 1;
    waveOfKey.set(observation.key, wave);
    (result[wave] ??= []).push(observation);
  }
  return result;
}

/** Forget what can no longer matter, so a long-lived group carries a small state across continue-as-new. */
export function prune(state: GroupState, now: number): GroupState {
  const onIncident = new Set([...(state.incident?.keys ?? []), ...(state.previous?.keys ?? [])]);
  const entries = Object.entries(state.occurrences).filter(([key, occurrence]) => {
    if (onIncident.has(key)) return true;
    const age = now - Date.parse(occurrence.at);
    return occurrence.heldResolve ? age < REORDER_WINDOW_MS : age < OCCURRENCE_KEPT_MS;
  });
  entries.sort((a, b) => Date.parse(a[1].at) - Date.parse(b[1].at));
  return { ...state, occurrences: Object.fromEntries(entries.slice(-OCCURRENCES_KEPT)) };
}

/** Whether the group has nothing left to remember and may end (a later alert starts it again). */
export function isIdle(state: GroupState, now: number, idleMs: number): boolean {
  return !state.incident && now - Date.parse(state.lastActivityAt) >= idleMs && Object.values(state.occurrences).every((o) => !o.heldResolve);
}
