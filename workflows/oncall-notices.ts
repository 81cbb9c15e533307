/**
 * People are told when they go on call: one long-lived workflow per team (`oncall-notices-<team>`) sleeps
 * until the next shift starts and notifies whoever takes it. It plans against the current policy and
 * overrides at least every few hours, so a policy change or an override moves the next notice with it.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { OnCallNoticeActivities } from '../activities/oncall-notices';
import type { OnCallNoticesInput } from './oncall-notices-contract';

const activities = proxyActivities<OnCallNoticeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5s', maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** Re-plan at least this often: policy and overrides change between shifts. */
const REPLAN_MS = 6 * 3600 * 1000;

export async function oncallNotices(input: OnCallNoticesInput): Promise<void> {
  let after = input.after ?? Date.now();
  for (let round = 0; round < 500; round += 1) {
    const next = await activities.nextShiftStarts({ team: input.team, after });
    if (!next.teamExists) return; // the team left the policy
    const wait = next.at === null ? REPLAN_MS : next.at - Date.now();
    if (wait > 0) {
      // Sleep at most a few hours, then plan again: an override or policy change may have moved the shift.
      await sleep(Math.min(wait, REPLAN_MS));
      continue;
    }
    for (const start of next.starts) {
      // One person's unreachable channels must not stop the team's notices.
      await activities.notifyGoingOnCall({ team: input.team, ...start, key: `${input.team}:${start.rotation}:${start.start}:${start.personId}` }).catch(() => undefined);
    }
    after = next.at!;
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await continueAsNew<typeof oncallNotices>({ team: input.team, after });
}
