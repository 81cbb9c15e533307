/**
 * One alert group (id `alert-group-<hash of integration + group key>`): a long-lived workflow that owns
 * ordering and dedup for the alerts intake routes to it. Intake answers 2xx only once Temporal has
 * durably accepted the signal-with-start, so nothing is lost after a 2xx. With no incident open, a
 * trigger opens one (a child `incident`, abandoned on close so it outlives the group's runs, started with
 * the alerts that opened it); later alerts are forwarded to the open incident by signal; an incident that resolved or closed is
 * noticed (its child result, or an activity that describes it) so the next trigger opens a new one.
 * The same workflow type, with a heartbeat (id `alert-heartbeat-<integration>`), is a dead man's switch:
 * a durable timer fires when a ping is missed and opens an incident; the next ping records the recovery.
 * The rules are pure and live in alert-group-rules.ts.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyLocalActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { IntakeActivities } from '../activities/intake';
import type { incident } from './incident';
import { changesSince } from './patches';
import type { AlertObservation } from './incident-state';
import { alertBatchesSignal, alertGroupQuery, alertsSignal, heartbeatSignal, type AlertGroupInput, type HeartbeatState } from './alert-group-contract';
import { ALERT_BATCH_LIMIT, alertBatchSignal, alertSignal, incidentIdFromHex, incidentStartOptions, incidentWorkflowId } from './incident-contract';
import { emptyGroup, incidentEnded, incidentOpened, isIdle, planBatch, prune, waves, type AlertBatch, type GroupState, type Plan } from './alert-group-rules';

export type { AlertBatch, GroupState, IncomingAlert } from './alert-group-rules';

const DEFAULT_HISTORY_LIMIT = 2_000;
const DEFAULT_IDLE_MS = 3600_000;

const { intakeIncidentStanding, intakeAcknowledge } = proxyLocalActivities<IntakeActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', maximumInterval: '10s' },
});

/** Same shape as the ids the API hands out, from the workflow's deterministic random. */
const newIncidentId = () => incidentIdFromHex(uuid4().replace(/-/g, '').slice(0, 16));

const heartbeatKey = (integration: string) => `heartbeat:${integration}`;

export async function alertGroup(input: AlertGroupInput): Promise<GroupState> {
  // Groups started since 'alert-groups-2026-12' take every change below with that one marker (see patches.ts).
  const takes = changesSince('alert-groups-2026-12');
  const now = () => Date.now();
  const iso = () => new Date().toISOString();
  let state: GroupState = input.carried?.state ?? emptyGroup(input.integration, input.group, iso());
  let heartbeat: HeartbeatState | undefined = input.carried?.heartbeat;
  const pending: AlertBatch[] = [];
  /** Incidents started by this run whose workflow has ended (closed). */
  const ended = new Set<string>();
  /** A batch is being applied (awaiting a child start, signals or an activity): not settled yet. */
  let working = false;

  setHandler(alertsSignal, (batch) => {
    pending.push(batch);
  });
  setHandler(alertBatchesSignal, (batches) => {
    pending.push(...batches);
  });
  setHandler(alertGroupQuery, () => ({ ...state, heartbeat, pending: pending.length + (working ? 1 : 0) }));
  setHandler(heartbeatSignal, (ping) => {
    const { everyMs, declaration, policy, unrouted } = ping;
    if (ping.kind === 'arm') {
      heartbeat = heartbeat ? { ...heartbeat, everyMs, declaration, policy, unrouted } : { everyMs, dueAt: now() + everyMs, declaration, policy, unrouted };
      return;
    }
    const at = iso();
    if (heartbeat?.missed) pending.push(heartbeatBatch(heartbeat, 'resolve', heartbeat.missed.occurredAt, at));
    heartbeat = { everyMs, declaration, policy, unrouted, lastPingAt: at, dueAt: now() + everyMs };
  });

  function heartbeatBatch(beat: HeartbeatState, action: 'trigger' | 'resolve', occurredAt: string, at: string): AlertBatch {
    const since = beat.lastPingAt ? `since ${beat.lastPingAt}` : 'since Marshal started watching';
    const summary = action === 'trigger' ? `No heartbeat from ${input.integration} ${since} (expected every ${Math.round(beat.everyMs / 1000)}s)` : `Heartbeat from ${input.integration} is back`;
    const observation: AlertObservation = {
      source: input.integration,
      key: heartbeatKey(input.integration),
      status: action === 'trigger' ? 'firing' : 'resolved',
      summary,
      labels: { alertname: 'MissedHeartbeat', integration: input.integration },
      startsAt: occurredAt,
    };
    return { alerts: [{ observation, action, occurredAt }], declaration: { ...beat.declaration, summary }, policy: beat.policy, unrouted: beat.unrouted, receivedAt: at };
  }

  /** Ask Temporal whether the incident the group holds is still open; only then may alerts attach to it. */
  async function refreshIncident(): Promise<void> {
    const incident = state.incident;
    if (!incident) return;
    const standing = ended.has(incident.id) ? 'closed' : await intakeIncidentStanding(incident.workflowId);
    if (standing !== 'open' && state.incident?.id === incident.id) state = incidentEnded(state);
  }

  /** Open an incident for the batch; answers the observations it did not start with (to forward by signal). */
  async function openIncident(batch: AlertBatch, plan: Plan): Promise<AlertObservation[]> {
    const id = newIncidentId();
    const workflowId = incidentWorkflowId(id);
    const { declaration } = batch;
    // Groups from before incidents started with their alerts forwarded them by signal, and replay so.
    const startsWith = takes('incident-starts-with-alerts-v1') ? plan.forward.slice(0, ALERT_BATCH_LIMIT) : [];
    const child = await startChild<typeof incident>('incident', {
      workflowId,
      args: [{ declaration: { id, ...declaration }, policy: batch.policy, ...(startsWith.length ? { alerts: startsWith } : {}) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...incidentStartOptions(declaration, new Date().toISOString(), { alertGroup: workflowInfo().workflowId, ...(batch.unrouted ? { routing: 'default-team' } : {}) }),
    });
    child.result().then(
      () => ended.add(id),
      () => ended.add(id),
    );
    state = incidentOpened(state, { id, workflowId }, plan, iso());
    return plan.forward.slice(startsWith.length);
  }

  /** Forward observations in order: in batches, or (groups from before batches) in waves of one signal each. */
  async function forward(workflowId: string, observations: AlertObservation[]): Promise<void> {
    const handle = getExternalWorkflowHandle(workflowId);
    if (takes('alert-batches-v1')) {
      for (let start = 0; start < observations.length; start += ALERT_BATCH_LIMIT) await handle.signal(alertBatchSignal, observations.slice(start, start + ALERT_BATCH_LIMIT));
      return;
    }
    for (const wave of waves(observations)) await Promise.all(wave.map((observation) => handle.signal(alertSignal, observation)));
  }

  /**
   * Forwards held back so that consecutive batches for the incident already open go in one signal: under a
   * burst a wake finds many batches waiting, and one signal (one task for the incident) per batch would cost
   * the engine more than taking them in. With the batches and the state before them, to plan them again
   * should the incident turn out to have closed.
   */
  let held: { workflowId: string; observations: AlertObservation[]; batches: AlertBatch[]; before: GroupState } | undefined;

  /** Send what is held; if the incident no longer takes alerts, answer the batches to plan again (against a new incident). */
  async function release(): Promise<AlertBatch[]> {
    const sending = held;
    held = undefined;
    if (!sending || sending.observations.length === 0) return [];
    try {
      await forward(sending.workflowId, sending.observations);
      return [];
    } catch (error) {
      log.warn('incident no longer accepts alerts; opening a new one', { incident: sending.workflowId, error: String(error) });
      state = incidentEnded(sending.before);
      return sending.batches;
    }
  }

  /** Hold a batch back if all it asks is to forward alerts to the incident already open; false if it asks more. */
  function hold(batch: AlertBatch): boolean {
    const incident = state.incident;
    if (!incident) return false;
    const planned = planBatch(state, batch, now());
    const { plan } = planned;
    if (plan.open || plan.acknowledge.length > 0 || plan.forwardPrevious.length > 0) return false;
    held ??= { workflowId: incident.workflowId, observations: [], batches: [], before: state };
    held.observations.push(...plan.forward);
    held.batches.push(batch);
    state = planned.state;
    return true;
  }

  async function apply(batch: AlertBatch): Promise<'done' | 'retry'> {
    const before = state;
    const { state: next, plan } = planBatch(state, batch, now());
    state = next;
    const forwarding = plan.open ? await openIncident(batch, plan) : plan.forward;
    const incident = state.incident;
    try {
      if (incident && forwarding.length > 0) await forward(incident.workflowId, forwarding);
    } catch (error) {
      // The incident closed between the check and the signal: this batch goes to a new incident.
      log.warn('incident no longer accepts alerts; opening a new one', { incident: incident?.id, error: String(error) });
      state = incidentEnded(before);
      return 'retry';
    }
    for (const by of plan.acknowledge) {
      if (incident) await intakeAcknowledge(incident.workflowId, by);
    }
    if (state.previous && plan.forwardPrevious.length > 0) {
      await forward(state.previous.workflowId, plan.forwardPrevious).catch(() => undefined);
    }
    return 'done';
  }

  // Groups from before forwards were held back send one signal per batch, and replay so.
  const holdsForwards = takes('alert-forwards-held-v1');
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const idleMs = input.idleMs ?? DEFAULT_IDLE_MS;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyLimit;

  for (;;) {
    const beat = heartbeat;
    const wakeIn = beat && !beat.missed ? Math.max(beat.dueAt - now(), 1) : idleMs;
    const woken = await condition(() => pending.length > 0 || historyFull() || heartbeat !== beat, wakeIn);
    if (heartbeat && !heartbeat.missed && now() >= heartbeat.dueAt) {
      const occurredAt = new Date(heartbeat.dueAt).toISOString();
      heartbeat = { ...heartbeat, missed: { occurredAt } };
      pending.push(heartbeatBatch(heartbeat, 'trigger', occurredAt, iso()));
    }
    working = true;
    if (pending.length > 0 || (!woken && state.incident)) await refreshIncident();
    do {
      while (pending.length > 0) {
        const batch = pending.shift()!;
        if (holdsForwards && hold(batch)) continue;
        // This batch asks more than a forward: what is held goes first, in order.
        const again = await release();
        if (again.length > 0) pending.unshift(...again, batch);
        else if ((await apply(batch)) === 'retry') pending.unshift(batch);
      }
      pending.unshift(...(await release()));
    } while (pending.length > 0);
    working = false;
    state = prune(state, now());
    if (!heartbeat && isIdle(state, now(), idleMs)) {
      await condition(allHandlersFinished);
      if (pending.length === 0) return state;
    }
    if (historyFull() && pending.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof alertGroup>({ ...input, carried: { state, heartbeat } });
    }
  }
}
