/**
 * What follow-through says to people, apart from when it says it. Rewording here never re-sends: whether a
 * reminder was sent is decided by its stable `reason` on the timeline, not by its text.
 */
import type { IncidentState } from '../incident-state';

export const wording = {
  page: (state: IncidentState, plan: { level: number; round: number; overflow?: boolean }) => ({
    headline: `Paged: ${state.severity} ${state.title}`,
    detail: `Level ${plan.level}${plan.round ? ` (repeat ${plan.round})` : ''}${plan.overflow ? ', the primary is busy with other incidents' : ''}. Acknowledge to stop the escalation.`,
  }),
  rerouted: (team: string) => ({ headline: `Rerouted to ${team}`, detail: `The incident was reassigned to team ${team}.` }),
  exhausted: (team: string) => ({ headline: 'Nobody acknowledged', detail: `The escalation chain of team ${team} is exhausted; the incident is unacknowledged.` }),
  restTaken: (until: string, cover: string) => ({ headline: 'Rest after a night page', detail: `You were paged at night; you are off call until ${until}. ${cover} covers.` }),
  covering: (person: string, until: string) => ({ headline: `Covering for ${person}`, detail: `${person} rests after a night page; you cover their on-call until ${until}.` }),
  statusUpdateDue: (severity: string, missed: number) => ({ headline: 'Status update due', detail: `No status update for ${missed} × the ${severity} cadence. Post one, even if nothing changed.` }),
  statusUpdatesMissed: (title: string, missed: number) => ({ headline: 'Status updates missed', detail: `${title}: ${missed} status-update cadences have passed without an update.` }),
  idle: (idleFor: string) => ({ headline: 'Still on it?', detail: `Nothing has happened on this incident for ${idleFor}.` }),
  commanderFatigue: (fatigue: string) => ({ headline: 'Time to hand off?', detail: `You have been commander for ${fatigue}. Consider handing the role to a rested colleague.` }),
  handoff: (state: IncidentState, from: string) => {
    const latest = state.landmarks.lastStatusUpdate;
    return {
      headline: `Handoff: ${state.title}`,
      detail: `${from}'s shift ended with this incident open; it is yours now. Phase ${state.phase}, commander ${state.roles.commander ?? 'unassigned'}. Latest update: ${latest ? `${latest.status}: ${latest.message}` : 'none yet'}.`,
    };
  },
  roleAssigned: (state: IncidentState, role: string, by: string, notes?: string) => ({
    headline: `You are ${role}: ${state.title}`,
    detail: `${by} made you ${role} of this ${state.severity} incident (phase ${state.phase}).${notes ? ` Notes: ${notes}` : ''}`,
  }),
  commanderHandoff: (state: IncidentState, from: string, notes?: string) => {
    const latest = state.landmarks.lastStatusUpdate;
    return {
      headline: `Commander handoff: ${state.title}`,
      detail: `You take over as commander from ${from}. Accept the handoff on the incident page (or: marshal accept ${state.id}) so everyone knows you have it. ${
        notes ? `Handoff notes: ${notes}` : 'No handoff notes were given.'
      } Phase ${state.phase}. Latest update: ${latest ? `${latest.status}: ${latest.message}` : 'none yet'}.`,
    };
  },
  handoffUnaccepted: (state: IncidentState, from: string, reminder: number) => ({
    headline: 'Accept the commander handoff',
    detail: `${from} handed you the commander role on ${state.title}; you have not accepted it yet (reminder ${reminder}). Accept it, or hand it on.`,
  }),
  postmortemDueTomorrow: (title: string, dueAt: string) => ({ headline: 'Postmortem due tomorrow', detail: `The postmortem for ${title} is due ${dueAt}.` }),
  postmortemDueNow: (title: string, dueAt: string) => ({ headline: 'Postmortem due now', detail: `The postmortem for ${title} was due ${dueAt}.` }),
  postmortemOverdue: (title: string, dueAt: string) => ({ headline: 'Postmortem overdue', detail: `The postmortem for ${title} is a day past its deadline (${dueAt}).` }),
  actionItemDueTomorrow: (item: { title: string; itemId: string; dueAt: string }) => ({ headline: `Action item due tomorrow: ${item.title}`, detail: `${item.itemId} is due ${item.dueAt}.` }),
  actionItemDueNow: (item: { title: string; itemId: string; dueAt: string }) => ({
    headline: `Action item due now: ${item.title}`,
    detail: `${item.itemId} was due ${item.dueAt}. Complete it, or waive it with a reason.`,
  }),
  actionItemOverdue: (item: { title: string; itemId: string; dueAt: string; owner: string }, after: string) => ({
    headline: `Action item overdue: ${item.title}`,
    detail: `${item.itemId}, owned by ${item.owner}, is ${after} past its due date (${item.dueAt}).`,
  }),
};
