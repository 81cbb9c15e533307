/** The store and its archiving worker for workflow tests on the time-skipping server. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { createTimelineArchiveActivities } from '../../activities/timeline-archive';
import { openStore, type Store } from '../../store';
import { storeTaskQueue, TASK_QUEUE } from '../../workflows/queues';

export async function startStoreWorker(connection: NativeConnection, taskQueue = TASK_QUEUE): Promise<{ store: Store; stop(): Promise<void> }> {
  const store = await openStore({ dir: join(mkdtempSync(join(tmpdir(), 'marshal-store-')), 'store'), template: inject('storeTemplatePath') });
  const worker = await Worker.create({ connection, taskQueue: storeTaskQueue(taskQueue), activities: createTimelineArchiveActivities(store.archive) });
  const running = worker.run();
  return {
    store,
    stop: async () => {
      worker.shutdown();
      await running;
      await store.close();
    },
  };
}
