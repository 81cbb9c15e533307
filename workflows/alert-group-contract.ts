/**
 * The alert group workflow's contract, shared with intake (engine/alert-groups.ts): ids, input, and the
 * signals and query it answers. Group workflow ids are hashes (built in the engine, which has crypto).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Declaration, IncidentPolicy } from './incident-state';
import type { AlertBatch, GroupState } from './alert-group-rules';

/** A sender's dead man's switch: `ping` when it checks in, `arm` when Marshal starts and knows it should. */
export interface HeartbeatPing {
  kind: 'ping' | 'arm';
  everyMs: number;
  declaration: Omit<Declaration, 'id'>;
  policy: IncidentPolicy;
  unrouted?: boolean;
}

export interface HeartbeatState {
  everyMs: number;
  lastPingAt?: string;
  dueAt: number;
  /** A missed-ping alert is open; the next ping resolves it. */
  missed?: { occurredAt: string };
  declaration: Omit<Declaration, 'id'>;
  policy: IncidentPolicy;
  unrouted?: boolean;
}

export interface AlertGroupInput {
  integration: string;
  /** The group key in words, e.g. `alertname=HighLatency, service=checkout` (the id is its hash). */
  group: string;
  carried?: { state: GroupState; heartbeat?: HeartbeatState };
  /** Continue as new after this many history events even if the server has not suggested it yet. */
  historyLimit?: number;
  /** End after this long with no incident open and nothing to remember; the next alert starts it again. */
  idleMs?: number;
}

/** `pending` counts batches received and not yet applied (including one being applied). */
export type AlertGroupView = GroupState & { heartbeat?: HeartbeatState; pending: number };

export const alertGroupWorkflowPrefix = 'alert-group-';
export const heartbeatWorkflowId = (integration: string) => `alert-heartbeat-${integration}`;
/** Alerts for the group: one accepted delivery's (how intake sent them before batches went together). */
export const alertsSignal = defineSignal<[AlertBatch]>('alerts');
/** Alerts for the group: the deliveries accepted while the previous signal to the group was on its way, in order. */
export const alertBatchesSignal = defineSignal<[AlertBatch[]]>('alert-batches');
export const heartbeatSignal = defineSignal<[HeartbeatPing]>('heartbeat');
export const alertGroupQuery = defineQuery<AlertGroupView>('alertGroup');
