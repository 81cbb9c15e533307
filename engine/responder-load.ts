/**
 * How many open incidents a person is already the responder for (the overflow rule's count), from
 * Temporal visibility. Asked by the paging activity for every first page and by the server when it plans
 * a declaration's first page itself, so both count the same way.
 */
import type { Client } from '@temporalio/client';
import { incidentWorkflowId, searchAttributes } from '../workflows/incident-contract';

export async function openIncidentsHeldBy(client: Client, taskQueue: string, personId: string, exceptIncident: string): Promise<number> {
  const quote = (value: string) => `'${value.replace(/'/g, '')}'`;
  try {
    const { count } = await client.workflow.count(
      [
        `WorkflowType = 'incident'`,
        `ExecutionStatus = 'Running'`,
        `TaskQueue = ${quote(taskQueue)}`,
        `WorkflowId != ${quote(incidentWorkflowId(exceptIncident))}`,
        `${searchAttributes.status.name} = 'open'`,
        `${searchAttributes.responder.name} = ${quote(personId)}`,
      ].join(' AND '),
    );
    return count;
  } catch (error) {
    // A visibility store that cannot count (the time-skipping test server) means no overflow rather than no page.
    if ((error as { cause?: { code?: number } }).cause?.code === 12 /* UNIMPLEMENTED */) return 0;
    throw error;
  }
}
