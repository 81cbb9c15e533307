/**
 * Alert groups through Temporal: each group's alerts go to its `alert-group-<hash>` workflow, and each
 * integration's heartbeats to `alert-heartbeat-<name>`, by signal-with-start, so the first alert of a
 * group starts its workflow and the rest join it. Resolves once Temporal has every signal durably.
 *
 * One signal to a group is on its way at a time: deliveries for the group that arrive meanwhile wait and
 * then go together, in arrival order, in one signal (a group commit). A quiet group's delivery goes at
 * once; a burst into one group (an Alertmanager HA pair, a sender's retries, a storm) costs the engine one
 * signal and one task for the group per round trip instead of one per delivery. Each delivery is answered
 * only when the signal that carried it is durable, and a failed signal fails every delivery it carried.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { alertBatchesSignal, alertGroupWorkflowPrefix, heartbeatSignal, heartbeatWorkflowId, type AlertGroupInput, type HeartbeatPing } from '../workflows/alert-group-contract';
import { type alertGroup } from '../workflows/alert-group';
import type { AlertBatch } from '../workflows/alert-group-rules';
import { TASK_QUEUE } from '../workflows/queues';
import { withEngine, type CallOptions } from './calls';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A group's workflow id: a hash, since group keys are built from senders' labels of any length and content. */
export const alertGroupWorkflowId = (integration: string, group: string) => `${alertGroupWorkflowPrefix}${sha256(`${integration}\n${group}`).slice(0, 32)}`;

/** One signal carries at most this many deliveries, and more than one only while they stay under this size (Temporal refuses payloads over 2 MB). */
const BATCHES_PER_SIGNAL = 50;
const BYTES_PER_SIGNAL = 512 * 1024;

export interface GroupDelivery {
  integration: string;
  group: string;
  batch: AlertBatch;
}

interface Waiting {
  batch: AlertBatch;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A group's deliveries waiting for the signal before them. */
interface Outbox {
  integration: string;
  group: string;
  waiting: Waiting[];
}

/** The first deliveries of the queue that fit one signal (always at least one). */
function takeSignalLoad(waiting: Waiting[]): Waiting[] {
  let bytes = 0;
  let count = 0;
  while (count < waiting.length && count < BATCHES_PER_SIGNAL && (count === 0 || bytes + waiting[count].bytes <= BYTES_PER_SIGNAL)) {
    bytes += waiting[count].bytes;
    count += 1;
  }
  return waiting.splice(0, count);
}

export class AlertGroups {
  /** Groups with a signal on its way, by workflow id. */
  private readonly outboxes = new Map<string, Outbox>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
  ) {}

  /** Hand each group its batch, and an integration its heartbeat pings; resolves once all are durable. */
  async deliver(deliveries: GroupDelivery[], heartbeats: { integration: string; ping: HeartbeatPing }[], options: CallOptions = {}): Promise<void> {
    await Promise.all([
      ...deliveries.map((delivery) => this.enqueue(delivery, options)),
      ...heartbeats.map(({ integration, ping }) => withEngine(this.client, () => this.heartbeat(integration, ping), options)),
    ]);
  }

  private enqueue({ integration, group, batch }: GroupDelivery, options: CallOptions): Promise<void> {
    const workflowId = alertGroupWorkflowId(integration, group);
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { batch, bytes: JSON.stringify(batch).length, resolve, reject };
      const outbox = this.outboxes.get(workflowId);
      if (outbox) {
        outbox.waiting.push(waiting);
        return;
      }
      const opened: Outbox = { integration, group, waiting: [waiting] };
      this.outboxes.set(workflowId, opened);
      void this.drain(workflowId, opened, options);
    });
  }

  /**
   * Send the group's waiting deliveries, a signal at a time, until none wait. Every delivery through one
   * Intake carries the same call options, so the first delivery's serve the ones that join it.
   */
  private async drain(workflowId: string, outbox: Outbox, options: CallOptions): Promise<void> {
    while (outbox.waiting.length > 0) {
      const load = takeSignalLoad(outbox.waiting);
      try {
        await withEngine(
          this.client,
          () =>
            this.client.workflow.signalWithStart<typeof alertGroup, [AlertBatch[]]>('alertGroup', {
              workflowId,
              taskQueue: this.taskQueue,
              args: [{ integration: outbox.integration, group: outbox.group } satisfies AlertGroupInput],
              signal: alertBatchesSignal,
              signalArgs: [load.map(({ batch }) => batch)],
            }),
          options,
        );
        for (const { resolve } of load) resolve();
      } catch (error) {
        for (const { reject } of load) reject(error);
      }
    }
    this.outboxes.delete(workflowId);
  }

  private heartbeat(integration: string, ping: HeartbeatPing) {
    return this.client.workflow.signalWithStart<typeof alertGroup, [HeartbeatPing]>('alertGroup', {
      workflowId: heartbeatWorkflowId(integration),
      taskQueue: this.taskQueue,
      args: [{ integration, group: 'heartbeat' } satisfies AlertGroupInput],
      signal: heartbeatSignal,
      signalArgs: [ping],
    });
  }
}
