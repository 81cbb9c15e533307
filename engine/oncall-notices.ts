/** On-call notices through Temporal: each team's `oncall-notices-<team>` workflow tells people their shifts. */
import type { Client } from '@temporalio/client';
import { oncallNoticesWorkflowId } from '../workflows/oncall-notices-contract';
import type { oncallNotices } from '../workflows/oncall-notices';
import { withEngine } from './calls';

/** Start each team's notices workflow; one already running is left as it is. */
export async function startOnCallNotices(client: Client, teams: string[], taskQueue: string): Promise<void> {
  await withEngine(client, async () => {
    for (const team of teams) {
      await client.workflow.start<typeof oncallNotices>('oncallNotices', {
        workflowId: oncallNoticesWorkflowId(team, taskQueue),
        taskQueue,
        args: [{ team }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }
  });
}
