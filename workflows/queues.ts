/** Task queues and the ids of per-team workflows: deployments sharing a namespace are kept apart by task queue. */
export const TASK_QUEUE = 'marshal';
export const teamWorkflowId = (kind: 'oncall-notices' | 'oncall-overrides', team: string, taskQueue = TASK_QUEUE) => (taskQueue === TASK_QUEUE ? `${kind}-${team}` : `${taskQueue}/${kind}-${team}`);
/** The queue of the store's activities (archiving), served by the process that holds the store. */
export const storeTaskQueue = (taskQueue: string) => `${taskQueue}-store`;
