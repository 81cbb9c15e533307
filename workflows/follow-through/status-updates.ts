import { severityPolicy } from '../incident-state';
import { atomically, currentResponder, ms, notify, notifyLead, open, remindedSince, untilAcknowledged, untilSeverityChanges, type FollowThrough } from './context';
import { untilTimeOrChange } from './waiting';
import { wording } from './wording';

/** No status update within the severity's cadence: remind the responder; from the second miss, the lead too. */
export async function remindStatusUpdates(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await untilAcknowledged(ctx);
    const state = ctx.state();
    if (!open(state)) return;
    const cadence = ms(severityPolicy(state.policy, state.severity)?.statusUpdateCadence);
    if (!cadence) {
      await untilSeverityChanges(ctx);
      continue;
    }
    const { lastStatusUpdate, statusUpdateCount, acknowledgedSeq } = state.landmarks;
    const anchorSeq = lastStatusUpdate?.seq ?? acknowledgedSeq!;
    const reminders = remindedSince(state, anchorSeq, 'status-update-due');
    // The next reminder is a cadence after the last one (or after the update): never a burst to catch up.
    const due = Date.parse(reminders.at(-1)?.at ?? lastStatusUpdate?.at ?? state.acknowledgedAt!) + cadence;
    const changed = () => !open(ctx.state()) || ctx.state().landmarks.statusUpdateCount !== statusUpdateCount || ctx.state().severity !== state.severity;
    if (await untilTimeOrChange(due, changed)) continue;
    const missed = reminders.length + 1;
    await atomically(ctx, async () => {
      const current = ctx.state();
      await notify(ctx, current.roles.commander ?? currentResponder(current)!, 'reminder', wording.statusUpdateDue(current.severity, missed), { reason: 'status-update-due' });
      if (missed >= 2) await notifyLead(ctx, wording.statusUpdatesMissed(current.title, missed));
    });
  }
}
