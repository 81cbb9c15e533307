/**
 * Action items across incidents: what is owed, by whom, and what is late. Overdue rows stand out by a word
 * and a border, not colour alone, and each row leads to its incident, where the item is completed or waived.
 */
import type { ActionItemRow } from '../../../store/insight';
import type { Policy } from '../../../policy/types';
import { html, time } from '../html';
import type { Session } from '../session';
import { checkbox, selectField, textField } from './forms';
import { consolePage, flash } from './views';

export interface ActionItemForm {
  owner?: string;
  team?: string;
  state?: string;
  overdue?: boolean;
}

const STATES: [string, string][] = [
  ['open', 'Open'],
  ['completed', 'Completed'],
  ['waived', 'Waived'],
  ['all', 'All'],
];

export function actionItemsPage(session: Session, policy: Policy, form: ActionItemForm, items: ActionItemRow[] | undefined, error?: string): string {
  const overdue = items?.filter((item) => item.overdue).length ?? 0;
  const body = html`<h1>Action items</h1>
${flash({ error })}
<form class="card filters" method="get" action="/console/action-items" aria-label="Filter action items">
${textField({ id: 'a-owner', name: 'owner', label: 'Owner', value: form.owner, maxlength: 100, markOptional: false, list: 'a-people' })}
<datalist id="a-people">${Object.values(policy.people)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((person) => html`<option value="${person.id}">${person.name}</option>`)}</datalist>
${selectField({ id: 'a-team', name: 'team', label: 'Team', choices: [['', 'Any'], ...Object.keys(policy.teams).sort()], selected: form.team })}
${selectField({ id: 'a-state', name: 'state', label: 'State', choices: STATES, selected: form.state ?? 'open' })}
${checkbox({ id: 'a-overdue', name: 'overdue', label: 'Only overdue', checked: form.overdue })}
<div><button type="submit">Filter</button></div>
</form>
${
  items === undefined
    ? ''
    : html`<p role="status">${items.length} action item${items.length === 1 ? '' : 's'}${overdue ? html`, <strong class="overdue-word">${overdue} overdue</strong>` : ''}</p>
${
  items.length === 0
    ? html`<p class="empty">No action items match these filters.</p>`
    : html`<div class="table-wrap"><table class="stackable">
<caption class="sr-only">Action items, soonest due first</caption>
<thead><tr><th scope="col">Due</th><th scope="col">Action item</th><th scope="col">Owner</th><th scope="col">Team</th><th scope="col">State</th><th scope="col">Incident</th></tr></thead>
<tbody>${items.map(
        (item) => html`<tr${item.overdue ? html` class="overdue"` : ''}>
<td data-label="Due">${item.overdue ? html`<strong class="overdue-word">Overdue</strong> ` : ''}${item.dueAt ? time(item.dueAt) : html`<span class="muted">no due date</span>`}</td>
<td data-label="Action item">${item.title} <span class="muted">${item.itemId}</span></td>
<td data-label="Owner">${item.owner}</td><td data-label="Team">${item.team ?? '—'}</td>
<td data-label="State">${item.state}${item.closedAt ? html` <span class="muted">${time(item.closedAt)}</span>` : ''}</td>
<td data-label="Incident"><a href="/console/incidents/${item.incidentId}">${item.incidentTitle || item.incidentId}</a> <span class="muted">${item.incidentId}</span></td></tr>`,
      )}</tbody>
</table></div>`
}`
}`;
  return consolePage(session, 'Action items', body);
}
