/**
 * The incident workflow's message contract, shared by the workflow and every client (server, tests).
 * Updates carry commands that need an answer or a refusal; the query reads the whole state.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { AlertObservation, ChangeReport, Command, IncidentPolicy, IncidentState } from './incident-state';

export const TASK_QUEUE = 'marshal';
export const incidentWorkflowId = (id: string) => `incident-${id}`;
/** Per-team workflows; deployments sharing a namespace are kept apart by task queue. */
export const teamWorkflowId = (kind: 'oncall-notices' | 'oncall-overrides', team: string, taskQueue = TASK_QUEUE) => (taskQueue === TASK_QUEUE ? `${kind}-${team}` : `${taskQueue}/${kind}-${team}`);
/** The queue of the store's activities (archiving), served by the process that holds the store. */
export const storeTaskQueue = (taskQueue: string) => `${taskQueue}-store`;
export const incidentIdFromWorkflowId = (workflowId: string) => workflowId.replace(/^incident-/, '');

export const stateQuery = defineQuery<IncidentState>('state');
/**
 * Every command goes through one update so its validator and handler share a single code path. It answers
 * only the sequence number of the last event recorded: history keeps every update's result, so returning
 * the whole state would grow it with the square of the timeline. Callers query the state afterwards.
 */
export const commandUpdate = defineUpdate<{ seq: number }, [Command]>('command');
/** A monitor's alert for this incident (signal: intake answers once Temporal has it durably). */
export const alertSignal = defineSignal<[AlertObservation]>('alert');
/**
 * Several alerts in one signal, in order: how alert groups forward a delivery, so a storm is a few signals
 * to the incident, not one per alert (a run that gets signals faster than it can continue as new meets the
 * server's per-run signal limit). At most ALERT_BATCH_LIMIT alerts each.
 */
export const alertBatchSignal = defineSignal<[AlertObservation[]]>('alert-batch');
export const ALERT_BATCH_LIMIT = 100;
/** A change to the incident's service (a deploy, a config push) reported by an intake integration. */
export const changeSignal = defineSignal<[ChangeReport]>('change');
/** A reminder an action item's own workflow asks the incident to deliver and record. */
export const followUpSignal = defineSignal<[{ to: string; headline: string; detail: string }]>('followUp');
/** A new policy version was applied to the running service. */
export const policySignal = defineSignal<[IncidentPolicy]>('policy');

/** Custom search attributes, registered on the embedded server at start (see server/temporal). */
export const searchAttributes = {
  severity: defineSearchAttributeKey('MarshalSeverity', SearchAttributeType.KEYWORD),
  team: defineSearchAttributeKey('MarshalTeam', SearchAttributeType.KEYWORD),
  service: defineSearchAttributeKey('MarshalService', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('MarshalPhase', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('MarshalStatus', SearchAttributeType.KEYWORD),
  /** Who is responding: the acknowledger, else the last person paged. Overflow counts on it. */
  responder: defineSearchAttributeKey('MarshalResponder', SearchAttributeType.KEYWORD),
} as const;
