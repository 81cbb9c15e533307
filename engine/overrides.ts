/**
 * On-call overrides through Temporal: each team's live in its `oncall-overrides-<team>` workflow, started
 * on the first override. Reading a team that never had one answers an empty list.
 *
 * The active overrides are read for every page planned (the server plans a declaration's first step, the
 * worker every later one): one read of a team serves the reads that come within FRESH_FOR_MS, instead of a
 * query each, which under a burst of declarations cost the engine and the worker a query task apiece. A
 * change made through this process is seen at once; one made through another process within FRESH_FOR_MS,
 * as if the change had come that much later.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Override } from '../policy/types';
import { TASK_QUEUE } from '../workflows/queues';
import type { oncallOverrides } from '../workflows/oncall-overrides';
import { addOverrideUpdate, overridesQuery, overridesWorkflowId, removeOverrideUpdate, type OverrideRecord, type OverrideRequest } from '../workflows/oncall-overrides-contract';
import { refusalOf, withEngine } from './calls';
import { refused } from './errors';

const FRESH_FOR_MS = 1_000;

export class Overrides {
  /** The latest read of each team's active overrides, while it is fresh. */
  private readonly recent = new Map<string, { at: number; read: Promise<Override[]> }>();

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

  /**
   * The overrides on-call resolution should honour now: active ones only. `fresh` skips a read from the last
   * FRESH_FOR_MS, for a caller that decides whether to add one (the rest rule adds one a night at most).
   */
  active(team: string, { fresh = false }: { fresh?: boolean } = {}): Promise<Override[]> {
    const now = Date.now();
    const cached = this.recent.get(team);
    if (cached && !fresh && now - cached.at < FRESH_FOR_MS) return cached.read;
    for (const [name, entry] of this.recent) if (now - entry.at >= FRESH_FOR_MS) this.recent.delete(name);
    const read = this.list(team).then((records) => records.filter((record) => record.state === 'active'));
    const entry = { at: now, read };
    this.recent.set(team, entry);
    // A failed read is not kept: the next caller asks again.
    read.catch(() => this.recent.get(team) === entry && this.recent.delete(team));
    return read;
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
      } finally {
        this.recent.delete(team);
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
      } finally {
        this.recent.delete(team);
      }
    });
  }
}
