/**
 * How many open incidents a person is already the responder for (the overflow rule's count), from
 * Temporal visibility, counted up to the team's limit: the rule only asks whether the limit is reached.
 * Asked by the paging activity for every first page and by the server when it plans a declaration's
 * first page itself, so both count the same way.
 */
import type { Client } from '@temporalio/client';
import { incidentWorkflowId, searchAttributes } from '../workflows/incident-contract';

/**
 * The open incidents `personId` responds to, other than `exceptIncident`, counted up to `limit`. A listing
 * that stops at `limit` rather than a count of every match: in an alert storm the primary holds hundreds
 * and a count reads them all, at every first page, just when the rule matters.
 */
export async function openIncidentsHeldBy(client: Client, taskQueue: string, personId: string, exceptIncident: string, limit: number): Promise<number> {
  const quote = (value: string) => `'${value.replace(/'/g, '')}'`;
  const query = [
    `WorkflowType = 'incident'`,
    `ExecutionStatus = 'Running'`,
    `TaskQueue = ${quote(taskQueue)}`,
    `WorkflowId != ${quote(incidentWorkflowId(exceptIncident))}`,
    `${searchAttributes.status.name} = 'open'`,
    `${searchAttributes.responder.name} = ${quote(personId)}`,
  ].join(' AND ');
  let held = 0;
  try {
    for await (const _incident of client.workflow.list({ query, pageSize: Math.max(limit, 1) })) {
      held += 1;
      if (held >= limit) break;
    }
    return held;
  } catch (error) {
    // A visibility store that cannot list (the time-skipping test server) means no overflow rather than no page.
    const code = (error as { code?: number; cause?: { code?: number } }).code ?? (error as { cause?: { code?: number } }).cause?.code;
    if (code === 12 /* UNIMPLEMENTED */) return 0;
    throw error;
  }
}
