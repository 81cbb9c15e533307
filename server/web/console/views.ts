/** Console pages other than the incident page: the shell, sign-in, the list with filters and the declare form. */
import { randomBytes } from 'node:crypto';
import type { Policy } from '../../../policy/types';
import type { IncidentSummary, ListFilters } from '../../../engine/incidents';
import { html, time, type Html } from '../html';
import { page } from '../layout';
import type { Session } from '../session';
import { buttonForm, postForm, selectField, textArea, textField } from './forms';

export interface Flash {
  notice?: string;
  error?: string;
}

export function flash(messages: Flash): Html {
  return html`${messages.error ? html`<div class="error" role="alert"><strong>Not done:</strong> ${messages.error}</div>` : ''}${messages.notice ? html`<div class="notice" role="status">${messages.notice}</div>` : ''}`;
}

/** "My pages" in the header, with the count of incidents waiting for this person's acknowledgement. */
function myPagesLink(waiting: number | undefined): Html {
  return waiting
    ? html`<a href="/console/mine" class="my-pages-link" aria-label="My pages: ${waiting} waiting for you">My pages <span class="badge">${waiting}</span></a>`
    : html`<a href="/console/mine" class="my-pages-link">My pages</a>`;
}

/** At the top of the list for someone who has been paged: their pages come before everyone's incidents. */
function waitingBanner(session: Session): Html {
  const waiting = session.waiting ?? 0;
  if (waiting === 0) return html``;
  return html`<div class="act-now"><p><strong>${waiting} incident${waiting === 1 ? '' : 's'} paged you and ${waiting === 1 ? 'waits' : 'wait'} for acknowledgement.</strong></p><p><a class="button" href="/console/mine">Open my pages</a></p></div>`;
}

export function consolePage(session: Session | undefined, title: string, body: Html, options: { scripts?: string[] } = {}): string {
  const header = session
    ? html`<nav aria-label="Console">${myPagesLink(session.waiting)}<a href="/console">Incidents</a><a href="/console/oncall">On call</a><a href="/console/insights">Insights</a><a href="/console/action-items">Action items</a><a href="/console/tokens">Tokens</a>${session.admin ? html`<a href="/console/sign-in-links">Sign-in links</a><a href="/console/audit">Audit</a>` : ''}<a href="/status">Status page</a><span class="muted-inverse"><span class="wide-only">Signed in as </span>${session.name}</span>${buttonForm(session, '/console/logout', 'Sign out', { secondary: true })}</nav>`
    : html`<nav aria-label="Console"><a href="/status">Status page</a></nav>`;
  return page({ title: `${title} · Marshal console`, body, header, home: '/console', scripts: options.scripts });
}

export function loginPage(challenge: string, options: { error?: string; next?: string; name?: string } = {}): string {
  return consolePage(
    undefined,
    'Sign in',
    html`<h1>Sign in to the incident console</h1>
${flash({ error: options.error })}
<form class="stack card" method="post" action="/console/login">
<input type="hidden" name="_login" value="${challenge}">
<input type="hidden" name="next" value="${options.next ?? '/console'}">
${textField({ id: 'login-name', name: 'name', label: 'Your name', value: options.name, required: true, hint: 'Recorded on the timeline for everything you do here.', autocomplete: 'name', maxlength: 200 })}
${textField({ id: 'login-token', name: 'token', label: 'Admin token', type: 'password', required: true, hint: 'Printed by npm start and saved in data/admin-token.', autocomplete: 'current-password' })}
<p><button type="submit">Sign in</button></p>
</form>`,
  );
}

/** With an identity provider configured: one button, no token and no free-text name (the policy says who you are). */
export function oidcLoginPage(options: { next?: string; error?: string } = {}): string {
  const next = encodeURIComponent(options.next ?? '/console');
  return consolePage(
    undefined,
    'Sign in',
    html`<h1>Sign in to the incident console</h1>
${flash({ error: options.error })}
<div class="stack card"><p>Sign in with your company account. Marshal records you, as your team's policy names you, on everything you do here.</p>
<p><a class="button" href="/console/login/oidc?next=${next}">Sign in with your company account</a></p></div>`,
  );
}

/** A sign-in that was refused, with why and what to do; no retry loop for someone who is not in policy. */
export function signInRefusedPage(message: string): string {
  return consolePage(
    undefined,
    'Sign-in refused',
    html`<h1>You cannot use the console yet</h1>
${flash({ error: message })}
<p>Every action in the console is recorded against a person in Marshal's policy (config/teams/*.yaml), so only people on a team can sign in.</p>
<p><a href="/console/login">Back to sign-in</a> · <a href="/status">Public status page</a></p>`,
  );
}

/** `search.q` set: `incidents` are what full-text search found, across every incident, closed ones too. */
/** `attention` maps an incident's id to what needs someone now (see due-next.ts); such rows stand out. */
export function listPage(
  session: Session,
  policy: Policy,
  filters: ListFilters,
  incidents: IncidentSummary[],
  messages: Flash = {},
  search: { q?: string } = {},
  attention: Map<string, string[]> = new Map(),
): string {
  const any: [string, string] = ['', 'Any'];
  const severities = policy.severities.map((s) => s.name);
  const searching = search.q !== undefined && !messages.error;
  const body = html`${waitingBanner(session)}<h1>Incidents</h1>
${flash(messages)}
<form class="card search" method="get" action="/console" role="search" aria-label="Search incidents">
<div><label for="f-q">Search all incidents</label>
<div class="muted" id="f-q-hint">Words in titles, summaries and updates, closed incidents included.</div>
<div class="search-row"><input type="search" id="f-q" name="q" value="${search.q ?? ''}" maxlength="200" aria-describedby="f-q-hint"><button type="submit">Search</button></div></div>
</form>
${
  searching
    ? html`<p><a href="/console">Clear the search</a> to list incidents by status, team, severity and service.</p>`
    : html`<form class="card filters" method="get" action="/console" aria-label="Filter incidents">
${selectField({
  id: 'f-status',
  name: 'status',
  label: 'Status',
  choices: [
    ['open', 'Open (not closed)'],
    ['resolved', 'Resolved'],
    ['closed', 'Closed'],
    ['all', 'All'],
  ],
  selected: filters.status ?? 'open',
})}
${selectField({ id: 'f-team', name: 'team', label: 'Team', choices: [any, ...Object.keys(policy.teams).sort()], selected: filters.team })}
${selectField({ id: 'f-severity', name: 'severity', label: 'Severity', choices: [any, ...severities], selected: filters.severity })}
${selectField({ id: 'f-service', name: 'service', label: 'Service', choices: [any, ...Object.keys(policy.services).sort()], selected: filters.service })}
<div><button type="submit">Filter</button></div>
</form>`
}
<p class="muted" role="status">${incidents.length} incident${incidents.length === 1 ? '' : 's'}${searching ? html` matching “${search.q}”` : ''}</p>
${
  incidents.length === 0
    ? html`<p>${searching ? 'No incident mentions all of these words.' : 'No incidents match these filters.'}</p>`
    : html`<div class="table-wrap"><table class="stackable">
<caption class="sr-only">Incidents</caption>
<thead><tr><th scope="col">Incident</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Phase</th><th scope="col">Team</th><th scope="col">Service</th><th scope="col">Declared</th></tr></thead>
<tbody>${incidents.map(
        (incident) => html`<tr${attention.get(incident.id)?.length ? html` class="needs-attention"` : ''}>
<td data-label="Incident"><a href="/console/incidents/${incident.id}">${incident.title || incident.id}</a> <span class="muted">${incident.id}</span>${(attention.get(incident.id) ?? []).map((flag) => html` <span class="flag">${flag}</span>`)}</td>
<td data-label="Severity">${incident.severity}</td><td data-label="Status">${incident.status}</td><td data-label="Phase">${incident.phase}</td>
<td data-label="Team">${incident.team ?? '—'}</td><td data-label="Service">${incident.service ?? '—'}</td><td data-label="Declared">${time(incident.declaredAt)}</td></tr>`,
      )}</tbody>
</table></div>`
}
<h2 id="declare-heading">Declare an incident</h2>
${postForm(
  session,
  '/console/incidents',
  'New incident',
  html`
<input type="hidden" name="idempotencyKey" value="${randomBytes(12).toString('base64url')}">
${textField({ id: 'd-title', name: 'title', label: 'Title', required: true, maxlength: 200, hint: 'Internal: customers see a plain description on the status page, not this title.' })}
${selectField({ id: 'd-severity', name: 'severity', label: 'Severity', choices: policy.severities.map((s) => [s.name, `${s.name}${s.description ? ` — ${s.description}` : ''}`] as [string, string]), selected: severities[1] ?? severities[0] })}
${selectField({ id: 'd-service', name: 'service', label: 'Service', choices: [['', 'Not known yet'], ...Object.keys(policy.services).sort()] })}
${selectField({ id: 'd-team', name: 'team', label: 'Team', choices: [['', "The service's owner"], ...Object.keys(policy.teams).sort()] })}
${textArea({ id: 'd-summary', name: 'summary', label: 'What is happening' })}`,
  'Declare incident',
)}`;
  return consolePage(session, 'Incidents', body);
}

export function errorPage(session: Session | undefined, title: string, message: string): string {
  return consolePage(session, title, html`<h1>${title}</h1>${flash({ error: message })}<p><a href="/console">Back to the incidents</a></p>`);
}
