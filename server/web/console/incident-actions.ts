/** The incident page's forms: every lifecycle command the API offers, each posting to /console/incidents/:id/<action>. */
import type { Policy } from '../../../policy/types';
import { ROLES, UPDATE_STATUSES } from '../../../workflows/incident-state';
import type { IncidentView } from '../../../workflows/incident-view';
import type { CustomerMessageDraft } from '../../documents/customer-message';
import { html, time, type Html } from '../html';
import type { Session } from '../session';
import { buttonForm, checkbox, postForm, selectField, textArea, textField } from './forms';

const statusChoices = UPDATE_STATUSES.map((status) => [status, status[0].toUpperCase() + status.slice(1)] as [string, string]);

export function customerMessageForm(session: Session, incident: IncidentView, draft: CustomerMessageDraft): Html {
  const base = `/console/incidents/${incident.id}`;
  if (!draft.publicStatusPage) {
    return html`<p>${incident.severity} incidents are not shown on the public status page, so there is no customer message to publish. Raise the severity if customers are affected.</p>`;
  }
  if (draft.complete) return html`<p>Customers have been told this incident is resolved. Nothing more to publish.</p>`;
  return postForm(
    session,
    `${base}/updates`,
    `Customer message: ${draft.statusLabel} (${draft.impactLabel.toLowerCase()})`,
    html`
<input type="hidden" name="public" value="true">
<p class="muted">Drafted from the affected components (${draft.components.join(', ') || 'none named'}), the severity and where the public story stands${draft.follows ? `, following the "${draft.follows.status}" update` : ''}. Edit it, then publish: it appears on the status page at once.</p>
${selectField({ id: 'cm-status', name: 'status', label: 'Status shown to customers', choices: statusChoices, selected: draft.status })}
${textArea({ id: 'cm-message', name: 'message', label: 'Message to customers', value: draft.message, required: true })}`,
    'Publish to status page',
  );
}

/** Take the incident, while nobody has: the first thing an on-call engineer woken by a page needs. */
export function acknowledgeAction(session: Session, incident: IncidentView): Html {
  if (incident.acknowledgedAt || incident.resolvedAt || incident.closedAt) return html``;
  return html`<div class="act-now"><p><strong>Nobody has acknowledged this incident.</strong> Acknowledge to take it: paging stops.</p>
${buttonForm(session, `/console/incidents/${incident.id}/acknowledge`, 'Acknowledge', { className: 'big', shortcut: 'a' })}</div>`;
}

/**
 * Triage while nobody has taken the incident: it needs nobody (a known flap, a duplicate), so paging stops.
 * Folded under Acknowledge so it never competes with it.
 */
export function noResponderAction(session: Session, incident: IncidentView): Html {
  if (incident.acknowledgedAt || incident.resolvedAt || incident.closedAt || !incident.responderNeeded) return html``;
  return html`<details class="triage"><summary>No responder needed?</summary>
${postForm(
  session,
  `/console/incidents/${incident.id}/severity`,
  'Triage: no responder needed',
  html`<input type="hidden" name="responderNeeded" value="false">
${selectField({ id: 'n-severity', name: 'severity', label: 'Severity', choices: incident.policy.severities.map((s) => s.name), selected: incident.severity })}
${textField({ id: 'n-reason', name: 'reason', label: 'Why nobody needs to respond', required: true, maxlength: 2000 })}`,
  'Stop paging: no responder needed',
  { secondary: true },
)}</details>`;
}

/** A commander handoff waiting: the incoming commander accepts it here; everyone else sees whom it waits on. */
export function handoffAction(session: Session, incident: IncidentView): Html {
  const pending = incident.pendingHandoff;
  if (!pending || incident.resolvedAt || incident.closedAt) return html``;
  const notes = pending.notes ? html`<p><span class="muted">Handoff notes from ${pending.from}:</span> ${pending.notes}</p>` : html`<p class="muted">No handoff notes.</p>`;
  if (session.name === pending.to) {
    return html`<div class="act-now"><p><strong>${pending.from} handed you the commander role.</strong> Accept it so everyone knows you have it.</p>${notes}
${buttonForm(session, `/console/incidents/${incident.id}/handoff/accept`, 'Accept handoff', { className: 'big' })}</div>`;
  }
  return html`<div class="notice handoff"><p>Commander handoff from ${pending.from} to <strong>${pending.to}</strong>: awaiting their acceptance since ${time(pending.at)}.</p>${notes}</div>`;
}

/** The update form comes right after acknowledging: responders and stakeholders wait on it. */
export function statusUpdateForm(session: Session, incident: IncidentView): Html {
  return postForm(
    session,
    `/console/incidents/${incident.id}/updates`,
    'Post a status update',
    html`
${selectField({ id: 'u-status', name: 'status', label: 'Status', choices: statusChoices, selected: incident.statusUpdates[incident.statusUpdates.length - 1]?.status ?? 'investigating' })}
${textArea({ id: 'u-message', name: 'message', label: 'Update', required: true, shortcut: 'u' })}
${checkbox({ id: 'u-public', name: 'public', label: 'Public: show this update on the status page' })}`,
    'Post update',
  );
}

/** Policy's people as suggestions: roles and action items go only to them (anyone else is refused). */
export function peopleList(policy: Policy): Html {
  return html`<datalist id="people">${Object.values(policy.people)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((person) => html`<option value="${person.id}">${person.name}</option>`)}</datalist>`;
}

/** Title, summary and impact start, as they are learnt: folded away, prefilled with what they say now. */
export function editDetailsForm(session: Session, incident: IncidentView): Html {
  return html`<details class="card edit-details"><summary>Edit title, summary or impact start</summary>
${postForm(
  session,
  `/console/incidents/${incident.id}/details`,
  'Edit the incident',
  html`
${textField({ id: 'e-title', name: 'title', label: 'Title', value: incident.title, required: true, maxlength: 200 })}
${textArea({ id: 'e-summary', name: 'summary', label: 'Summary', value: incident.summary ?? '' })}
${textField({ id: 'e-impact', name: 'impactStartedAt', label: 'Impact began (UTC)', type: 'datetime-local', value: incident.impactStartedAt?.slice(0, 16), hint: 'When customers were first affected, if before the declaration; durations of impact count from it.' })}`,
  'Save changes',
  { secondary: true },
)}</details>`;
}

/** The other commands, below the ones that fit the moment. */
export function actionForms(session: Session, incident: IncidentView, policy: Policy): Html {
  const base = `/console/incidents/${incident.id}`;
  const resolved = Boolean(incident.resolvedAt);
  // De-escalation once someone has it and the picture is clearer: only the severities below the current one.
  const names = incident.policy.severities.map((s) => s.name);
  const lower = names.slice(names.indexOf(incident.severity) + 1);
  const deescalate =
    incident.acknowledgedAt && !resolved && lower.length > 0 && names.includes(incident.severity)
      ? postForm(
          session,
          `${base}/severity`,
          'De-escalate',
          html`
${selectField({ id: 'd-severity', name: 'severity', label: 'Lower severity', choices: lower, selected: lower[0] })}
${textField({ id: 'd-reason', name: 'reason', label: 'Reason', required: true, maxlength: 2000 })}`,
          'Lower severity',
          { secondary: true },
        )
      : '';
  return html`<div class="grid">
${deescalate}
${postForm(
  session,
  `${base}/severity`,
  'Change severity',
  html`
${selectField({ id: 's-severity', name: 'severity', label: 'New severity', choices: incident.policy.severities.map((s) => s.name), selected: incident.severity })}
${textField({ id: 's-reason', name: 'reason', label: 'Reason', required: true, maxlength: 2000 })}`,
  'Change severity',
)}
${postForm(
  session,
  `${base}/roles`,
  'Assign a role',
  html`
${selectField({ id: 'r-role', name: 'role', label: 'Role', choices: [...ROLES] })}
${textField({ id: 'r-person', name: 'person', label: 'Person', required: true, maxlength: 200, list: 'people', hint: 'Someone in policy, by their id. They are told; a new commander must accept.' })}
${textArea({ id: 'r-notes', name: 'notes', label: 'Handoff notes', maxlength: 2000, hint: 'What they need to know: where things stand, what is in flight.' })}`,
  'Assign role',
)}
${postForm(
  session,
  `${base}/team`,
  'Reassign to another team',
  html`
${selectField({ id: 't-team', name: 'team', label: 'Team', choices: Object.keys(policy.teams).sort(), selected: incident.team })}
${textField({ id: 't-reason', name: 'reason', label: 'Reason', required: true, maxlength: 2000 })}`,
  'Reassign team',
)}
${
  !resolved
    ? postForm(
        session,
        `${base}/resolve`,
        'Resolve',
        html`
${textArea({ id: 'z-summary', name: 'summary', label: 'Resolution summary', required: true })}`,
        'Resolve incident',
      )
    : ''
}
</div>`;
}

export function actionItemForms(session: Session, incident: IncidentView): Html {
  const base = `/console/incidents/${incident.id}`;
  const open = incident.actionItems.filter((item) => item.state === 'open');
  return html`${open.map(
    (item) => html`<div class="card"><p><strong>${item.id}</strong> ${item.title}</p>
${buttonForm(session, `${base}/action-items/${item.id}/complete`, 'Complete', { label: `Complete ${item.id}` })}
${postForm(session, `${base}/action-items/${item.id}/waive`, `Waive ${item.id}`, textField({ id: `w-${item.id}`, name: 'reason', label: 'Reason for waiving', required: true, maxlength: 2000 }), 'Waive', { secondary: true })}
</div>`,
  )}
${postForm(
  session,
  `${base}/action-items`,
  'Add an action item',
  html`
${textField({ id: 'a-title', name: 'title', label: 'Action', required: true })}
${textField({ id: 'a-owner', name: 'owner', label: 'Owner', required: true, maxlength: 200, list: 'people' })}
${textField({ id: 'a-due', name: 'due', label: 'Due date', type: 'date', hint: 'Due at 17:00 UTC on that day; without one, the due period of the severity policy applies.' })}`,
  'Add action item',
)}`;
}

export function postmortemForm(session: Session, incident: IncidentView, draft: string): Html {
  if (!incident.resolvedAt) return html`<p>The postmortem can be published once the incident is resolved. The draft below grows with the timeline.</p><pre class="markdown">${draft}</pre>`;
  return postForm(
    session,
    `/console/incidents/${incident.id}/postmortem`,
    incident.postmortem ? 'Edit and publish again' : 'Edit and publish the postmortem',
    html`
${textArea({ id: 'pm-markdown', name: 'markdown', label: 'Postmortem (Markdown)', value: incident.postmortem?.markdown ?? draft, required: true, markdown: true, maxlength: 200000, hint: 'Drafted from the timeline. Blameless: write about systems and conditions, not people.' })}`,
    'Publish postmortem',
  );
}
