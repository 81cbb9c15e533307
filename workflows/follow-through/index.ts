/**
 * The incident's durable follow-through, one duty a file: paging and escalation until someone
 * acknowledges (escalation.ts), status-update reminders (status-updates.ts), idle and fatigue nudges
 * (idle.ts, commander-fatigue.ts), shift-end handoffs (shift-handoff.ts) and the postmortem deadline
 * (postmortem.ts). What they share is in context.ts, how they wait in waiting.ts, what they say in wording.ts.
 */
export { currentResponder, keepRunning, notify, notifyLead, type FollowThrough } from './context';
export { escalate } from './escalation';
export { remindStatusUpdates } from './status-updates';
export { remindWhenIdle } from './idle';
export { watchCommanderFatigue } from './commander-fatigue';
export { handOffAtShiftEnd } from './shift-handoff';
export { chasePostmortem } from './postmortem';
export { announceRole, remindHandoffAcceptance } from './roles';
