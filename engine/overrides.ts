/**
 * On-call overrides through Temporal: each team's live in its `oncall-overrides-<team>` workflow, started
 * on the first override. Reading a team that never had one answers an empty list.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Override } from '../policy/types';
import { TASK_QUEUE } from '../workflows/queues';
import type { oncallOverrides } from '../workflows/oncall-overrides';
import { addOverrideUpdate, overridesQuery, overridesWorkflowId, removeOverrideUpdate, type OverrideRecord, type OverrideRequest } from '../workflows/oncall-overrides-contract';
import { refusalOf, withEngine } from './calls';
import { refused } from './errors';

export class Overrides {
  constructor(
    private readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
  ) {}

  async list(team: string): Promise<OverrideRecord[]> {
    return withEngine(this.client, async () => {
      try {
        return await this.client.workflow.getHandle(overridesWorkflowId(team, this.taskQueue)).query(overridesQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return [];
        throw error;
      }
    });
  }

  /** The overrides on-call resolution should honour now: active ones only. */
  async active(team: string): Promise<Override[]> {
    return (await this.list(team)).filter((record) => record.state === 'active');
  }

  async add(team: string, request: OverrideRequest): Promise<OverrideRecord> {
    return withEngine(this.client, async () => {
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof oncallOverrides>('oncallOverrides', {
        workflowId: overridesWorkflowId(team, this.taskQueue),
        taskQueue: this.taskQueue,
        args: [{ team }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      try {
        return await this.client.workflow.executeUpdateWithStart(addOverrideUpdate, { args: [request], startWorkflowOperation });
      } catch (error) {
        throw refusalOf(error) ?? error;
      }
    });
  }

  async remove(team: string, id: string, by: string): Promise<OverrideRecord> {
    return withEngine(this.client, async () => {
      try {
        return await this.client.workflow.getHandle(overridesWorkflowId(team, this.taskQueue)).executeUpdate(removeOverrideUpdate, { args: [{ id, by }] });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw refused('not-found', `no override ${id} for team ${team}`);
        throw refusalOf(error) ?? error;
      }
    });
  }
}
