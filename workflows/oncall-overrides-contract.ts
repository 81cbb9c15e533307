/** The on-call overrides workflow's contract, shared with the engine and activities: records, requests, id and messages. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Override, RotationName } from '../policy/types';
import { TASK_QUEUE, teamWorkflowId } from './queues';

export interface OverrideRecord extends Override {
  from: string;
  to: string;
  state: 'active' | 'ended' | 'removed';
  createdAt: string;
  createdBy: string;
  endedAt?: string;
  removedBy?: string;
}

export interface OverrideRequest {
  person: string;
  replaces?: string;
  rotation?: RotationName;
  from: string;
  to: string;
  reason: string;
  by: string;
}

export interface OverridesInput {
  team: string;
  carried?: { records: OverrideRecord[]; nextId: number };
}

export const overridesWorkflowId = (team: string, taskQueue = TASK_QUEUE) => teamWorkflowId('oncall-overrides', team, taskQueue);
export const overridesQuery = defineQuery<OverrideRecord[]>('overrides');
export const addOverrideUpdate = defineUpdate<OverrideRecord, [OverrideRequest]>('addOverride');
export const removeOverrideUpdate = defineUpdate<OverrideRecord, [{ id: string; by: string }]>('removeOverride');
