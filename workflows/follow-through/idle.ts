import { parseDuration } from '../../policy/duration';
import { severityPolicy } from '../incident-state';
import { currentResponder, notify, open, remindedSince, untilAcknowledged, untilSeverityChanges, type FollowThrough } from './context';
import { untilChange, untilTimeOrChange } from './waiting';
import { wording } from './wording';

/** Acknowledged but forgotten: nothing has happened for the severity's idle period. */
export async function remindWhenIdle(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await untilAcknowledged(ctx);
    const state = ctx.state();
    if (!open(state)) return;
    const idleFor = severityPolicy(state.policy, state.severity)?.acknowledgedIdleReminder;
    if (!idleFor) {
      await untilSeverityChanges(ctx);
      continue;
    }
    const lastHuman = state.landmarks.lastHumanActivity!;
    const activity = () => !open(ctx.state()) || ctx.state().severity !== state.severity || ctx.state().landmarks.lastHumanActivity?.seq !== lastHuman.seq;
    if (remindedSince(state, lastHuman.seq, 'idle').length === 0) {
      if (await untilTimeOrChange(Date.parse(lastHuman.at) + parseDuration(idleFor), activity)) continue;
      await notify(ctx, currentResponder(ctx.state())!, 'reminder', wording.idle(idleFor), { reason: 'idle' });
    }
    await untilChange(activity);
  }
}
