/**
 * One action item's follow-through, as a child of its incident (id `action-item-<incident>-<item>`): it
 * may outlive the incident's history budget by months. It reminds the owner before and at the due date
 * and tells the team lead once the item is overdue by the severity's escalation period. Every reminder
 * goes back to the incident as a signal, so it is delivered and recorded on the incident's timeline.
 */
import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { actionItemClosedSignal, type ActionItemInput } from './action-item-contract';
import { parseDuration } from '../policy/duration';
import { followUpSignal, incidentWorkflowId } from './incident-contract';
import { climbDeadlineLadder } from './follow-through/waiting';
import { wording } from './follow-through/wording';

const DAY = 24 * 3600 * 1000;

export async function actionItem(input: ActionItemInput): Promise<void> {
  let closed = false;
  setHandler(actionItemClosedSignal, () => {
    closed = true;
  });
  const incident = getExternalWorkflowHandle(incidentWorkflowId(input.incidentId));
  const due = Date.parse(input.dueAt);
  // The incident is gone only if it closed, and it closes only when this item is done: nothing left to say.
  const tell = (to: string, message: { headline: string; detail: string }) => () =>
    incident.signal(followUpSignal, { to, ...message }).then(
      () => true,
      () => false,
    );
  const begun = Date.now();
  const ended = await climbDeadlineLadder(
    [
      // "Due tomorrow" makes no sense for an item created less than a day before its due date.
      { at: due - DAY, skip: due - DAY < begun, send: tell(input.owner, wording.actionItemDueTomorrow(input)) },
      { at: due, send: tell(input.owner, wording.actionItemDueNow(input)) },
      ...(input.escalateAfter ? [{ at: due + parseDuration(input.escalateAfter), send: tell('lead', wording.actionItemOverdue(input, input.escalateAfter)) }] : []),
    ],
    () => closed,
  );
  if (ended !== 'climbed') return;
  await condition(() => closed);
}
