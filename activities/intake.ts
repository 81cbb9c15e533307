/**
 * What alert groups (workflows/alert-group.ts) ask of Temporal that a workflow cannot do itself: read
 * whether an incident is still open, and acknowledge it through its `command` update (a workflow cannot
 * call another workflow's update). Both are idempotent: reading twice is harmless, and a second
 * acknowledgement is refused by the incident's own rules and reported as such, not retried.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { commandUpdate, searchAttributes } from '../workflows/incident-contract';

/** `open` until resolved; `missing` when no such workflow exists. */
export type IncidentStanding = 'open' | 'resolved' | 'closed' | 'missing';

export function createIntakeActivities(client: Client) {
  return {
    async intakeIncidentStanding(workflowId: string): Promise<IncidentStanding> {
      try {
        const description = await client.workflow.getHandle(workflowId).describe();
        if (description.status.name !== 'RUNNING') return 'closed';
        const status = description.typedSearchAttributes.get(searchAttributes.status);
        return status === 'resolved' || status === 'closed' ? status : 'open';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'missing';
        throw error;
      }
    },

    async intakeAcknowledge(workflowId: string, by: string): Promise<'acknowledged' | 'refused' | 'closed'> {
      try {
        await client.workflow.getHandle(workflowId).executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by }] });
        return 'acknowledged';
      } catch (error) {
        // Already acknowledged, or resolved since: the lifecycle refused it, which is the right outcome.
        if (error instanceof WorkflowUpdateFailedError) return 'refused';
        if (error instanceof WorkflowNotFoundError) return 'closed';
        throw error;
      }
    },
  };
}

export type IntakeActivities = ReturnType<typeof createIntakeActivities>;
