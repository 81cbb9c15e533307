/** The action item workflow's contract, shared with its parent incident: input, id and the signal that ends it. */
import { defineSignal } from '@temporalio/workflow';

export interface ActionItemInput {
  incidentId: string;
  itemId: string;
  title: string;
  owner: string;
  dueAt: string;
  escalateAfter?: string;
}

export const actionItemWorkflowId = (incidentId: string, itemId: string) => `action-item-${incidentId}-${itemId}`;
/** The item was completed or waived on the incident. */
export const actionItemClosedSignal = defineSignal('closed');
