/** The on-call notices workflow's contract: one per team, started by the engine at start and on every policy change. */
import { TASK_QUEUE, teamWorkflowId } from './queues';

export interface OnCallNoticesInput {
  team: string;
  /** Where a run that continued as new resumes planning from (epoch ms). */
  after?: number;
}

export const oncallNoticesWorkflowId = (team: string, taskQueue = TASK_QUEUE) => teamWorkflowId('oncall-notices', team, taskQueue);
