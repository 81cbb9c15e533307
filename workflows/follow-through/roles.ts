/**
 * Roles that mean something: whoever is given a role is told (once, when it is recorded), and a commander
 * put in over another must accept the handoff; until they do, they are reminded at the severity's
 * `handoffAcceptWithin` (10 minutes unless policy says otherwise), a few times at most.
 */
import { HANDOFF_ACCEPT_WITHIN_DEFAULT, severityPolicy, type TimelineEvent } from '../incident-state';
import { ms, notify, open, remindedSince, type FollowThrough } from './context';
import { untilChange, untilTimeOrChange } from './waiting';
import { wording } from './wording';

/** Reminders to accept one handoff; after these the due-next panel still shows it waiting. */
export const HANDOFF_REMINDERS = 3;

/** Tell the person assigned: an incoming commander gets a handoff notice with the notes, anyone else an info. */
export function announceRole(ctx: FollowThrough, event: Extract<TimelineEvent, { type: 'role-assigned' }>): Promise<void> {
  const state = ctx.state();
  if (event.awaitsAcceptance) return notify(ctx, event.person, 'handoff', wording.commanderHandoff(state, event.previous ?? 'the previous commander', event.notes), { asks: 'accept-handoff' });
  return notify(ctx, event.person, 'info', wording.roleAssigned(state, event.role, event.by, event.notes));
}

/** A handoff nobody has accepted: remind the incoming commander until they accept, someone else takes over, or it ends. */
export async function remindHandoffAcceptance(ctx: FollowThrough): Promise<void> {
  for (;;) {
    await untilChange(() => !open(ctx.state()) || Boolean(ctx.state().pendingHandoff));
    const state = ctx.state();
    if (!open(state)) return;
    const handoff = state.pendingHandoff!;
    const settled = () => !open(ctx.state()) || ctx.state().pendingHandoff?.seq !== handoff.seq;
    const sent = remindedSince(state, handoff.seq, 'handoff-unaccepted');
    if (sent.length >= HANDOFF_REMINDERS) {
      await untilChange(settled);
      continue;
    }
    const within = ms(severityPolicy(state.policy, state.severity)?.handoffAcceptWithin ?? HANDOFF_ACCEPT_WITHIN_DEFAULT)!;
    if (await untilTimeOrChange(Date.parse(sent.at(-1)?.at ?? handoff.at) + within, settled)) continue;
    await notify(ctx, handoff.to, 'reminder', wording.handoffUnaccepted(ctx.state(), handoff.from, sent.length + 1), { reason: 'handoff-unaccepted' });
  }
}
