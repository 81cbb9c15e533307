/**
 * The incident workflow's contract, shared by the workflow and every client (engine, tests): its id, its
 * input, how it is started (memo and search attributes), and its messages. Updates carry commands that
 * need an answer or a refusal; the query reads the whole state.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import type { AlertObservation, ChangeReport, Command, Declaration, IncidentPolicy, IncidentState } from './incident-state';
import type { EscalationStepPlan } from '../policy/escalation-step';

export const incidentWorkflowId = (id: string) => `incident-${id}`;
export const incidentIdFromWorkflowId = (workflowId: string) => workflowId.replace(/^incident-/, '');

/**
 * Incident ids are short, for reading out on a call: the first 64 bits of random (or, with an
 * Idempotency-Key, derived) bytes in base 36. The API and alert groups each bring their own bytes.
 */
export const incidentIdFromHex = (hex16: string) => BigInt(`0x${hex16}`).toString(36).padStart(13, '0').slice(0, 10);

export interface IncidentInput {
  declaration: Declaration;
  policy: IncidentPolicy;
  /**
   * The first step of the declaration's escalation, planned by the server as it declared (same policy,
   * the team's overrides then): the first page goes out without a planning activity. Absent (alert
   * groups, a server that could not plan it), the workflow plans it as every later step.
   */
  firstStep?: FirstStep;
  /**
   * The alerts that opened it (alert groups), at most ALERT_BATCH_LIMIT: on the timeline from the start,
   * where a signal after the start would cost both workflows a task.
   */
  alerts?: AlertObservation[];
  /** Set only when a run continues as new: the state the previous run ended with. */
  carried?: IncidentState;
  /** Set when a run that started before paging existed continues as new: it keeps not paging. */
  withoutFollowThrough?: boolean;
  /**
   * Continue as new after this many history events even if the server has not suggested it yet.
   * Tests lower it to exercise the hand-over; the default stays well below the server's limits.
   */
  historyLimit?: number;
}

export interface FirstStep {
  team: string;
  severity: string;
  plan: EscalationStepPlan;
}

/**
 * How every incident starts, from the API or from an alert group: its memo (the list shows the title and
 * the declaration time, which a run that continued as new would otherwise lose) and its first search
 * attributes, which the workflow keeps current from then on.
 */
export function incidentStartOptions(declaration: Omit<Declaration, 'id'>, declaredAt: string, memo: Record<string, string> = {}) {
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: searchAttributes.severity, value: declaration.severity },
    { key: searchAttributes.phase, value: 'discover' },
    { key: searchAttributes.status, value: 'open' },
    ...(declaration.team ? [{ key: searchAttributes.team, value: declaration.team }] : []),
    ...(declaration.service ? [{ key: searchAttributes.service, value: declaration.service }] : []),
  ];
  return { memo: { title: declaration.title, declaredAt, ...memo }, typedSearchAttributes };
}
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

/** Custom search attributes, registered on the embedded server at start (see engine/search-attributes.ts). */
export const searchAttributes = {
  severity: defineSearchAttributeKey('MarshalSeverity', SearchAttributeType.KEYWORD),
  team: defineSearchAttributeKey('MarshalTeam', SearchAttributeType.KEYWORD),
  service: defineSearchAttributeKey('MarshalService', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('MarshalPhase', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('MarshalStatus', SearchAttributeType.KEYWORD),
  /** Who is responding: the acknowledger, else the last person paged. Overflow counts on it. */
  responder: defineSearchAttributeKey('MarshalResponder', SearchAttributeType.KEYWORD),
} as const;
