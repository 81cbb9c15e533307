import { condition } from '@temporalio/workflow';
import { parseDuration } from '../../policy/duration';
import { severityPolicy } from '../incident-state';
import { notify, open, remindedSince, untilSeverityChanges, type FollowThrough } from './context';
import { untilChange, untilTimeOrChange } from './waiting';
import { wording } from './wording';

/** After the severity's fatigue period in the role, suggest the commander hands off. */
export async function watchCommanderFatigue(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await condition(() => !open(ctx.state()) || Boolean(ctx.state().roles.commander));
    const state = ctx.state();
    if (!open(state)) return;
    const fatigue = severityPolicy(state.policy, state.severity)?.commanderFatigueAfter;
    if (!fatigue) {
      await untilSeverityChanges(ctx);
      continue;
    }
    const commander = state.roles.commander!;
    const assigned = state.landmarks.commanderAssigned!;
    const replaced = () => !open(ctx.state()) || ctx.state().roles.commander !== commander || ctx.state().severity !== state.severity;
    if (remindedSince(state, assigned.seq, 'commander-fatigue').length === 0) {
      if (await untilTimeOrChange(Date.parse(assigned.at) + parseDuration(fatigue), replaced)) continue;
      await notify(ctx, commander, 'reminder', wording.commanderFatigue(fatigue), { reason: 'commander-fatigue' });
    }
    await untilChange(replaced);
  }
}
