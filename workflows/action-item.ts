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

const DAY = 24 * 3600 * 1000;

export async function actionItem(input: ActionItemInput): Promise<void> {
  let closed = false;
  setHandler(actionItemClosedSignal, () => {
    closed = true;
  });
  const incident = getExternalWorkflowHandle(incidentWorkflowId(input.incidentId));
  const due = Date.parse(input.dueAt);
  const steps: { at: number; to: 'owner' | 'lead'; headline: string; detail: string }[] = [
    { at: due - DAY, to: 'owner', headline: `Action item due tomorrow: ${input.title}`, detail: `${input.itemId} is due ${input.dueAt}.` },
    { at: due, to: 'owner', headline: `Action item due now: ${input.title}`, detail: `${input.itemId} was due ${input.dueAt}. Complete it, or waive it with a reason.` },
    ...(input.escalateAfter
      ? [
          {
            at: due + parseDuration(input.escalateAfter),
            to: 'lead' as const,
            headline: `Action item overdue: ${input.title}`,
            detail: `${input.itemId}, owned by ${input.owner}, is ${input.escalateAfter} past its due date (${input.dueAt}).`,
          },
        ]
      : []),
  ];
  const begun = Date.now();
  for (const step of steps) {
    // "Due tomorrow" makes no sense for an item created less than a day before its due date.
    if (step.at < begun && step.headline.startsWith('Action item due tomorrow')) continue;
    if (step.at > Date.now() && (await condition(() => closed, step.at - Date.now()))) return;
    if (closed) return;
    // The incident is gone only if it closed, and it closes only when this item is done: nothing left to say.
    const delivered = await incident.signal(followUpSignal, { to: step.to === 'owner' ? input.owner : 'lead', headline: step.headline, detail: step.detail }).then(
      () => true,
      () => false,
    );
    if (!delivered) return;
  }
  await condition(() => closed);
}
