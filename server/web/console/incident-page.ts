/**
 * The incident page, in the order a responder needs it: who holds the incident and what is due next (with
 * live countdowns), the actions that fit the moment (acknowledge, then a status update), then what is known
 * (facts, roles, updates, alerts, pages, action items, postmortem, timeline) and the other commands.
 * Parts marked `data-live` are swapped in place by console.js when the incident's event stream says it changed.
 */
import type { Policy } from '../../../policy/types';
import { severityPolicy } from '../../../workflows/incident-state';
import type { IncidentView } from '../../../workflows/incident-view';
import type { CustomerMessageDraft } from '../../documents/customer-message';
import { describeEvent } from '../../documents/timeline';
import { html, time, type Html } from '../html';
import type { Session } from '../session';
import { alertsPanel } from './alerts-panel';
import { renderMarkdown } from '../markdown';
import { countdown, dueNext, type DueItem } from './due-next';
import {
  acknowledgeAction,
  actionForms,
  actionItemForms,
  customerMessageForm,
  editDetailsForm,
  handoffAction,
  noResponderAction,
  peopleList,
  postmortemForm,
  statusUpdateForm,
} from './incident-actions';
import { CONSOLE_SCRIPT_PATH } from './console-script';
import { consolePage, flash, type Flash } from './views';

export interface IncidentPageData {
  incident: IncidentView;
  policy: Policy;
  draft: CustomerMessageDraft;
  postmortemDraft: string;
  /** The instant the page is rendered for; countdowns are written as of it. */
  now?: number;
}

/** A live section is replaced whole when the incident changes, so it must hold no form a person types into. */
const section = (id: string, title: string, body: Html, live = false): Html =>
  html`<section aria-labelledby="${id}"${live ? html` id="${id}-section" data-live` : ''}><h2 id="${id}">${title}</h2>${body}</section>`;

/** Kinds of notification that ask someone to take the incident (the rest inform or remind). */
const PAGING = new Set(['page', 'escalation', 'overflow', 'reroute']);

/** Phase, severity and who holds the incident, in one line a phone shows whole. */
function holding(incident: IncidentView): Html {
  const paged = (incident.pages ?? []).filter((page) => PAGING.has(page.kind)).at(-1);
  const who = incident.acknowledgedAt
    ? html`acknowledged by <strong>${incident.acknowledgedBy ?? 'unknown'}</strong>`
    : incident.resolvedAt || incident.closedAt
      ? html``
      : paged
        ? html`<strong class="alarm">unacknowledged</strong> · paging <strong>${paged.to}</strong>`
        : html`<strong class="alarm">unacknowledged</strong>`;
  return html`<p class="holding"><span class="pill sev">${incident.severity}</span> <span class="pill">${incident.status} · ${incident.phase}</span>
${
  incident.roles.commander
    ? html`commander <strong>${incident.roles.commander}</strong>${incident.pendingHandoff ? html` <span class="muted">(not accepted yet)</span>` : ''}${incident.acknowledgedAt || paged ? ' · ' : ''}`
    : ''
}${who}</p>`;
}

function dueNextPanel(items: DueItem[], now: number): Html {
  if (items.length === 0) return html``;
  return html`<section class="due-next card" aria-labelledby="due-heading"><h2 id="due-heading">Due next</h2>
<ul class="plain">${items.map(
    (item) => html`<li data-due class="due${item.overdue ? ' overdue' : ''}"><span class="due-what">${item.what}</span>
<span class="due-when"><time datetime="${item.at}" data-countdown>${countdown(item.at, now)}</time> <span class="muted">· ${item.at.slice(0, 16).replace('T', ' ')} UTC</span></span></li>`,
  )}</ul></section>`;
}

function shortcuts(incident: IncidentView): Html {
  const keys = [...(incident.acknowledgedAt || incident.resolvedAt ? [] : [['a', 'acknowledge']]), ['u', 'write a status update']];
  return html`<p class="muted shortcuts">Keyboard: ${keys.map(([key, what], index) => html`${index ? ', ' : ''}<kbd>${key}</kbd> ${what}`)}.</p>`;
}

function facts(incident: IncidentView): Html {
  const row = (label: string, value: Html | string | undefined) => html`<tr><th scope="row">${label}</th><td>${value ?? '—'}</td></tr>`;
  const shown = severityPolicy(incident.policy, incident.severity)?.publicStatusPage;
  return html`<div class="table-wrap"><table><tbody>
${row('Severity', html`${incident.severity}${shown ? ' (on the public status page once a public update is posted)' : ' (not on the public status page)'}`)}
${row('Status', `${incident.status} · phase ${incident.phase}`)}
${row('Team', incident.team)}${row('Service', incident.service)}
${incident.impactStartedAt ? row('Impact began', time(incident.impactStartedAt)) : ''}
${row('Declared', html`${time(incident.declaredAt)}${incident.reporter ? ` by ${incident.reporter}` : ''}`)}
${row('Acknowledged', incident.acknowledgedAt ? html`${time(incident.acknowledgedAt)} by ${incident.acknowledgedBy ?? 'unknown'}` : 'not yet')}
${row('Resolved', incident.resolvedAt ? html`${time(incident.resolvedAt)}: ${incident.resolution ?? ''}` : 'not yet')}
${incident.closedAt ? row('Closed', time(incident.closedAt)) : ''}
${incident.summary ? row('Summary', incident.summary) : ''}
</tbody></table></div>`;
}

function roles(incident: IncidentView): Html {
  const required = severityPolicy(incident.policy, incident.severity)?.rolesRequired ?? [];
  const pending = incident.pendingHandoff;
  const waiting = (role: string) => (role === 'commander' && pending ? html` <span class="muted">(handed over by ${pending.from}, not accepted yet)</span>` : '');
  return html`<ul>${(['commander', 'communications', 'scribe'] as const).map(
    (role) =>
      html`<li><strong>${role}</strong>: ${incident.roles[role] ?? html`<span class="muted">unassigned${required.includes(role) ? ` (required for ${incident.severity})` : ''}</span>`}${waiting(role)}</li>`,
  )}</ul>`;
}

function statusUpdates(incident: IncidentView): Html {
  if (incident.statusUpdates.length === 0) return html`<p>No status updates yet.</p>`;
  return html`<ol class="updates" reversed>${[...incident.statusUpdates].reverse().map(
    (update) => html`<li>
<span class="pill">${update.public ? 'Public' : 'Internal'}</span> <strong>${update.status}</strong> — ${update.message}<br>
<span class="muted">${time(update.at)} by ${update.by}</span></li>`,
  )}</ol>`;
}

/** What a notification was, in words: pages ask someone to take the incident, the rest inform or remind. */
const KIND_WORDS: Record<string, string> = {
  page: 'paged',
  escalation: 'paged (escalation)',
  overflow: 'paged (overflow)',
  reroute: 'paged (team reassigned)',
  handoff: 'told of a handoff',
  reminder: 'reminded',
  lead: 'told as team lead',
  info: 'told',
};

/** Each notification as a sentence: who, when, why, by which channel and what became of it. */
function pages(incident: IncidentView): Html {
  const list = incident.pages ?? [];
  if (list.length === 0) return html`<p>No pages sent.</p>`;
  const outcome = (page: (typeof list)[number]) =>
    page.outcome === 'delivered'
      ? html`<span class="ok">delivered</span>${page.channel ? ` by ${page.channel.replaceAll('+', ', ')}` : ''}`
      : page.outcome === 'failed'
        ? html`<strong class="alarm">failed</strong>`
        : html`<span class="muted">sending…</span>`;
  // Each channel that failed, with the receiver's own words: a delivered page may still have missed someone's phone.
  const failures = (page: (typeof list)[number]) =>
    page.failures?.length
      ? html`<ul class="failures">${page.failures.map((failure) => html`<li><span class="alarm">not delivered:</span> ${failure.length > 300 ? `${failure.slice(0, 299)}…` : failure}</li>`)}</ul>`
      : '';
  return html`<ol class="updates" reversed>${[...list].reverse().map(
    (page) => html`<li><strong>${page.to}</strong> — ${KIND_WORDS[page.kind] ?? page.kind} · ${outcome(page)}<br>
<span class="muted">${time(page.at)} · “${page.headline}”</span>${failures(page)}</li>`,
  )}</ol>`;
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
  const now = data.now ?? Date.now();
  const body = html`<p><a href="/console">← All incidents</a></p>
<h1>${incident.title} <span class="pill">${incident.id}</span></h1>
${flash(messages)}
<div id="live-head" data-live>
${holding(incident)}
${closed ? '' : acknowledgeAction(session, incident)}
${closed ? '' : handoffAction(session, incident)}
${dueNextPanel(dueNext(incident, policy, now), now)}
${closed ? '' : shortcuts(incident)}
</div>
<p id="live-note" class="muted live-note" role="status" data-events="/console/incidents/${incident.id}/events" data-seq="${incident.timelineCount}"></p>
${closed ? '' : noResponderAction(session, incident)}
${closed ? '' : statusUpdateForm(session, incident)}
<div id="live-facts" data-live>${facts(incident)}</div>
${closed ? '' : editDetailsForm(session, incident)}
<nav aria-label="On this page" class="card"><ul class="plain row">
${closed ? '' : html`<li><a href="#comms-heading">Customer communication</a></li><li><a href="#actions-heading">More actions</a></li>`}
<li><a href="#alerts-heading">Alerts</a></li><li><a href="#updates-heading">Status updates</a></li><li><a href="#pages-heading">Pages</a></li><li><a href="#items-heading">Action items</a></li><li><a href="#postmortem-heading">Postmortem</a></li><li><a href="#timeline-heading">Timeline</a></li>
</ul></nav>
${
  closed
    ? html`<p class="notice">This incident is closed: nothing is owed and nothing more can be recorded.</p>`
    : html`
${section('comms-heading', 'Customer communication', customerMessageForm(session, incident, draft))}
${section('actions-heading', 'More actions', actionForms(session, incident, policy))}`
}
${section('roles-heading', 'Roles', roles(incident), true)}
${section('updates-heading', 'Status updates', statusUpdates(incident), true)}
${section('alerts-heading', `Alerts (${incident.alerts.length})`, alertsPanel(incident.alerts), true)}
${section('pages-heading', 'Pages', pages(incident), true)}
${section('items-heading', 'Action items', html`${actionItems(incident)}${closed ? '' : actionItemForms(session, incident)}`)}
${section('postmortem-heading', 'Postmortem', html`${incident.postmortem ? html`<p>Published ${time(incident.postmortem.publishedAt)} by ${incident.postmortem.publishedBy}.</p>${renderMarkdown(incident.postmortem.markdown)}` : ''}${closed ? '' : postmortemForm(session, incident, postmortemDraft)}`)}
${section('report-heading', 'Closing report', html`<p><a href="/console/incidents/${incident.id}/report">Read the closing report for stakeholders</a> (Markdown, from this incident's data).</p>`)}
${section('timeline-heading', 'Timeline', timeline(incident), true)}
${closed ? '' : peopleList(policy)}`;
  return consolePage(session, incident.title, body, { scripts: [CONSOLE_SCRIPT_PATH] });
}
