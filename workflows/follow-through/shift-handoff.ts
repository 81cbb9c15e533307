import { condition } from '@temporalio/workflow';
import { activities, atomically, currentResponder, notify, open, reads, untilAcknowledged, type FollowThrough } from './context';
import { untilChange, untilTimeOrChange } from './waiting';
import { wording } from './wording';

/** When the responder's shift ends with the incident open, page the incoming on-call with the state. */
export async function handOffAtShiftEnd(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await untilAcknowledged(ctx);
    const state = ctx.state();
    if (!open(state)) return;
    const responder = currentResponder(state)!;
    const moved = () => !open(ctx.state()) || ctx.state().team !== state.team || currentResponder(ctx.state()) !== responder;
    const shiftEnd = state.team ? await activities.responderShiftEnd({ team: state.team, personId: responder, at: new Date().toISOString() }) : null;
    // Not on call for the team (e.g. after a reassignment): nothing to hand off until that changes.
    if (!shiftEnd) {
      await untilChange(moved);
      continue;
    }
    if (await untilTimeOrChange(Date.parse(shiftEnd), moved)) continue;
    await atomically(ctx, async () => {
      const incoming = await reads(ctx).incomingOnCall({ team: state.team!, at: shiftEnd });
      if (!incoming || incoming === responder) return;
      ctx.record([{ type: 'handoff', from: responder, to: incoming }]);
      await notify(ctx, incoming, 'handoff', wording.handoff(ctx.state(), responder));
    });
    // The same responder is still on (no one else took over): look again after their next shift ends.
    if (currentResponder(ctx.state()) === responder) await condition(moved, 60_000);
  }
}
