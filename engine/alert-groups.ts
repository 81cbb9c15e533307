/**
 * Alert groups through Temporal: each group's alerts go to its `alert-group-<hash>` workflow, and each
 * integration's heartbeats to `alert-heartbeat-<name>`, by signal-with-start, so the first alert of a
 * group starts its workflow and the rest join it. Resolves once Temporal has every signal durably.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { alertGroupWorkflowPrefix, alertsSignal, heartbeatSignal, heartbeatWorkflowId, type AlertGroupInput, type HeartbeatPing } from '../workflows/alert-group-contract';
import { type alertGroup } from '../workflows/alert-group';
import type { AlertBatch } from '../workflows/alert-group-rules';
import { TASK_QUEUE } from '../workflows/queues';
import { withEngine, type CallOptions } from './calls';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A group's workflow id: a hash, since group keys are built from senders' labels of any length and content. */
export const alertGroupWorkflowId = (integration: string, group: string) => `${alertGroupWorkflowPrefix}${sha256(`${integration}\n${group}`).slice(0, 32)}`;

export interface GroupDelivery {
  integration: string;
  group: string;
  batch: AlertBatch;
}

export class AlertGroups {
  constructor(
    private readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
  ) {}

  /** Hand each group its batch, and an integration its heartbeat pings, in one call to the engine. */
  async deliver(deliveries: GroupDelivery[], heartbeats: { integration: string; ping: HeartbeatPing }[], options: CallOptions = {}): Promise<void> {
    await withEngine(
      this.client,
      () =>
        Promise.all([
          ...deliveries.map(({ integration, group, batch }) =>
            this.client.workflow.signalWithStart<typeof alertGroup, [AlertBatch]>('alertGroup', {
              workflowId: alertGroupWorkflowId(integration, group),
              taskQueue: this.taskQueue,
              args: [{ integration, group } satisfies AlertGroupInput],
              signal: alertsSignal,
              signalArgs: [batch],
            }),
          ),
          ...heartbeats.map(({ integration, ping }) => this.heartbeat(integration, ping)),
        ]),
      options,
    );
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
