import { condition } from '@temporalio/workflow';
import { severityPolicy } from '../incident-state';
import { currentResponder, notify, notifyLead, reads, remindedSince, type FollowThrough } from './context';
import { climbDeadlineLadder } from './waiting';
import { wording } from './wording';

const DAY = 24 * 3600 * 1000;

/** Once resolved, a required postmortem is due in business days: remind before and at, then tell the lead. */
export async function chasePostmortem(ctx: FollowThrough): Promise<void> {
  await condition(() => Boolean(ctx.state().resolvedAt) || Boolean(ctx.state().closedAt));
  const state = ctx.state();
  const rule = severityPolicy(state.policy, state.severity)?.postmortem;
  if (state.closedAt || !rule?.required || state.postmortem) return;
  let dueAt = state.postmortemDueAt;
  if (!dueAt) {
    const deadline = await reads(ctx).businessDeadline({ team: state.team ?? '', from: state.resolvedAt!, days: rule.deadlineBusinessDays ?? 5 });
    ctx.record([{ type: 'postmortem-due', dueAt: deadline }]);
    dueAt = deadline;
  }
  const due = Date.parse(dueAt);
  const owner = () => ctx.state().roles.commander ?? currentResponder(ctx.state()) ?? ctx.state().landmarks.resolvedBy!;
  // A step an earlier run already sent is not sent again.
  const sent = (reason: 'postmortem-due-tomorrow' | 'postmortem-due-now' | 'postmortem-overdue') => remindedSince(ctx.state(), 0, reason).length > 0;
  await climbDeadlineLadder(
    [
      { at: due - DAY, skip: sent('postmortem-due-tomorrow'), send: () => notify(ctx, owner(), 'reminder', wording.postmortemDueTomorrow(state.title, dueAt), { reason: 'postmortem-due-tomorrow' }) },
      { at: due, skip: sent('postmortem-due-now'), send: () => notify(ctx, owner(), 'reminder', wording.postmortemDueNow(state.title, dueAt), { reason: 'postmortem-due-now' }) },
      { at: due + DAY, skip: sent('postmortem-overdue'), send: () => notifyLead(ctx, wording.postmortemOverdue(state.title, dueAt), 'postmortem-overdue') },
    ],
    () => Boolean(ctx.state().postmortem),
  );
}
