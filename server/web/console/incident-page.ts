/** The incident page: what is known (facts, roles, updates, pages, timeline, action items, postmortem) and the forms to act. */
import type { Policy } from '../../../policy/types';
import { severityPolicy } from '../../../workflows/incident-state';
import type { IncidentView } from '../../../workflows/incident-view';
import type { CustomerMessageDraft } from '../../documents/customer-message';
import { describeEvent } from '../../documents/timeline';
import { html, time, type Html } from '../html';
import type { Session } from '../session';
import { alertsPanel } from './alerts-panel';
import { renderMarkdown } from '../markdown';
import { actionForms, actionItemForms, customerMessageForm, postmortemForm } from './incident-actions';
import { consolePage, flash, type Flash } from './views';

export interface IncidentPageData {
  incident: IncidentView;
  policy: Policy;
  draft: CustomerMessageDraft;
  postmortemDraft: string;
}

const section = (id: string, title: string, body: Html): Html => html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${body}</section>`;

function facts(incident: IncidentView): Html {
  const row = (label: string, value: Html | string | undefined) => html`<tr><th scope="row">${label}</th><td>${value ?? '—'}</td></tr>`;
  const shown = severityPolicy(incident.policy, incident.severity)?.publicStatusPage;
  return html`<div class="table-wrap"><table><tbody>
${row('Severity', html`${incident.severity}${shown ? ' (on the public status page once a public update is posted)' : ' (not on the public status page)'}`)}
${row('Status', `${incident.status} · phase ${incident.phase}`)}
${row('Team', incident.team)}${row('Service', incident.service)}
${row('Declared', html`${time(incident.declaredAt)}${incident.reporter ? ` by ${incident.reporter}` : ''}`)}
${row('Acknowledged', incident.acknowledgedAt ? html`${time(incident.acknowledgedAt)} by ${incident.acknowledgedBy ?? 'unknown'}` : 'not yet')}
${row('Resolved', incident.resolvedAt ? html`${time(incident.resolvedAt)}: ${incident.resolution ?? ''}` : 'not yet')}
${incident.closedAt ? row('Closed', time(incident.closedAt)) : ''}
${incident.summary ? row('Summary', incident.summary) : ''}
</tbody></table></div>`;
}

function roles(incident: IncidentView): Html {
  const required = severityPolicy(incident.policy, incident.severity)?.rolesRequired ?? [];
  return html`<ul>${(['commander', 'communications', 'scribe'] as const).map((role) => html`<li><strong>${role}</strong>: ${incident.roles[role] ?? html`<span class="muted">unassigned${required.includes(role) ? ` (required for ${incident.severity})` : ''}</span>`}</li>`)}</ul>`;
}

function statusUpdates(incident: IncidentView): Html {
  if (incident.statusUpdates.length === 0) return html`<p>No status updates yet.</p>`;
  return html`<ol class="updates" reversed>${[...incident.statusUpdates].reverse().map(
    (update) => html`<li>
<span class="pill">${update.public ? 'Public' : 'Internal'}</span> <strong>${update.status}</strong> — ${update.message}<br>
<span class="muted">${time(update.at)} by ${update.by}</span></li>`,
  )}</ol>`;
}

function pages(incident: IncidentView): Html {
  const list = incident.pages ?? [];
  if (list.length === 0) return html`<p>No pages sent.</p>`;
  return html`<div class="table-wrap"><table class="stackable"><thead><tr><th scope="col">At</th><th scope="col">To</th><th scope="col">Why</th><th scope="col">Outcome</th></tr></thead>
<tbody>${list.map(
    (page) => html`<tr><td data-label="At">${time(page.at)}</td><td data-label="To">${page.to}</td><td data-label="Why">${page.kind}: ${page.headline}</td>
<td data-label="Outcome">${page.outcome}${page.channel ? ` via ${page.channel}` : ''}${page.failures?.length ? ` (${page.failures.join('; ')})` : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

function timeline(incident: IncidentView): Html {
  return html`<ol class="updates">${incident.timeline.map((event) => {
    const text =
      describeEvent(event) ?? (event.type === 'phase-changed' ? `Phase ${event.from} → ${event.to}` : event.type === 'policy-applied' ? `Policy ${event.to.slice(0, 12)} applied` : event.type);
    return html`<li>${text}<br><span class="muted">${time(event.at)} · ${event.by} · #${event.seq}</span></li>`;
  })}</ol>`;
}

function actionItems(incident: IncidentView): Html {
  if (incident.actionItems.length === 0) return html`<p>No action items yet.</p>`;
  return html`<div class="table-wrap"><table class="stackable"><thead><tr><th scope="col">Id</th><th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">State</th></tr></thead>
<tbody>${incident.actionItems.map(
    (item) => html`<tr><td data-label="Id">${item.id}</td><td data-label="Action">${item.title}</td><td data-label="Owner">${item.owner}</td>
<td data-label="Due">${item.dueAt ? time(item.dueAt) : '—'}</td><td data-label="State">${item.state}${item.waiveReason ? `: ${item.waiveReason}` : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

export function incidentPage(session: Session, data: IncidentPageData, messages: Flash = {}): string {
  const { incident, policy, draft, postmortemDraft } = data;
  const closed = incident.status === 'closed';
  const body = html`<p><a href="/console">← All incidents</a></p>
<h1>${incident.title} <span class="pill">${incident.id}</span></h1>
${flash(messages)}
${facts(incident)}
<nav aria-label="On this page" class="card"><ul class="plain row">
${closed ? '' : html`<li><a href="#comms-heading">Customer communication</a></li><li><a href="#actions-heading">Act</a></li>`}
<li><a href="#alerts-heading">Alerts</a></li><li><a href="#updates-heading">Status updates</a></li><li><a href="#items-heading">Action items</a></li><li><a href="#postmortem-heading">Postmortem</a></li><li><a href="#timeline-heading">Timeline</a></li>
</ul></nav>
${
  closed
    ? html`<p class="notice">This incident is closed: nothing is owed and nothing more can be recorded.</p>`
    : html`
${section('comms-heading', 'Customer communication', customerMessageForm(session, incident, draft))}
${section('actions-heading', 'Act', actionForms(session, incident, policy))}`
}
${section('roles-heading', 'Roles', roles(incident))}
${section('updates-heading', 'Status updates', statusUpdates(incident))}
${section('alerts-heading', `Alerts (${incident.alerts.length})`, alertsPanel(incident.alerts))}
${section('pages-heading', 'Pages', pages(incident))}
${section('items-heading', 'Action items', html`${actionItems(incident)}${closed ? '' : actionItemForms(session, incident)}`)}
${section('postmortem-heading', 'Postmortem', html`${incident.postmortem ? html`<p>Published ${time(incident.postmortem.publishedAt)} by ${incident.postmortem.publishedBy}.</p>${renderMarkdown(incident.postmortem.markdown)}` : ''}${closed ? '' : postmortemForm(session, incident, postmortemDraft)}`)}
${section('report-heading', 'Closing report', html`<p><a href="/console/incidents/${incident.id}/report">Read the closing report for stakeholders</a> (Markdown, from this incident's data).</p>`)}
${section('timeline-heading', 'Timeline', timeline(incident))}`;
  return consolePage(session, incident.title, body);
}
