/**
 * The floor for bench/latency.ts: the least a Temporal round trip can cost on this server — start a
 * workflow, run one activity, finish. Bundled by the benchmark on its own task queue; not part of Marshal.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface FloorActivities {
  /** Records when it ran (epoch ms) — the analogue of a page arriving at a receiver. */
  touch(id: string): Promise<number>;
}

const { touch } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export async function floor(id: string): Promise<number> {
  return touch(id);
}
