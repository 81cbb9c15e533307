/**
 * The pages a signed action link opens (action-link-routes.ts): a confirmation with one button (and, for
 * an update, the message), what came of it, and why a link was refused. Read by someone just woken up, on
 * a phone: the incident, who they act as and the one button come first; every page says whether anything
 * was done.
 */
import type { LinkPurpose } from '../../../common/action-links';
import { UPDATE_STATUSES } from '../../../workflows/incident-state';
import type { IncidentView } from '../../../workflows/incident-view';
import { STATUS_UPDATE_MESSAGE_MAX } from '../../api/schemas';
import { html, time, type Html } from '../html';
import { selectField, textArea } from './forms';
import { consolePage, flash } from './views';

export interface LinkPerson {
  id: string;
  name: string;
}

/** A person's name as policy gives it (the timeline records ids); anyone else, such as `admin`, as recorded. */
export type NameOf = (personId: string) => string;

/** Severity, title and where the incident stands, in the console's own words and pills. */
function incidentSummary(incident: IncidentView, nameOf: NameOf): Html {
  return html`<p class="holding"><span class="pill sev">${incident.severity}</span> <span class="pill">${incident.status} · ${incident.phase}</span> <span class="muted">${incident.id}</span></p>
<h2 class="link-title">${incident.title}</h2>
<p>${standing(incident, nameOf)}</p>`;
}

function standing(incident: IncidentView, nameOf: NameOf): Html {
  if (incident.acknowledgedAt) return html`Acknowledged by <strong>${incident.acknowledgedBy ? nameOf(incident.acknowledgedBy) : 'unknown'}</strong> at ${time(incident.acknowledgedAt)}.`;
  if (incident.resolvedAt) return html`Resolved at ${time(incident.resolvedAt)}; nobody acknowledged it.`;
  return html`<strong class="alarm">Nobody has acknowledged it yet.</strong>`;
}

const consoleLink = (incidentId: string) => html`<p><a href="/console/incidents/${incidentId}">Open the incident in the console</a> <span class="muted">(sign-in needed)</span></p>`;

/** GET: what the link would do, and one button that does it. Opening the page changes nothing. */
export function confirmPage(incident: IncidentView, person: LinkPerson, token: string, expiresAt: number, nameOf: NameOf): string {
  return consolePage(
    undefined,
    `Acknowledge ${incident.severity}: ${incident.title}`,
    html`<h1>Acknowledge this incident?</h1>
${incidentSummary(incident, nameOf)}
<div class="act-now"><p>You act as <strong>${person.name}</strong> <span class="muted">(${person.id})</span>. Paging stops and you become the responder.</p>
<form method="post" action="/console/ack"><input type="hidden" name="t" value="${token}"><button type="submit" class="big">Acknowledge</button></form></div>
<p class="muted">Opening this link did nothing by itself. It works once, for you and this incident only, until ${time(new Date(expiresAt).toISOString())}.</p>
${consoleLink(incident.id)}`,
  );
}

/** The link is genuine and unused, but there is nothing left to acknowledge: say who holds it instead. */
export function nothingToAcknowledgePage(incident: IncidentView, person: LinkPerson, nameOf: NameOf): string {
  const other = incident.acknowledgedAt && incident.acknowledgedBy !== person.id;
  return consolePage(
    undefined,
    `Already acknowledged: ${incident.title}`,
    html`<h1>${incident.acknowledgedAt ? (other ? 'Someone else already acknowledged this incident' : 'You already acknowledged this incident') : 'This incident is resolved'}</h1>
${flash({ notice: 'Nothing was done: there is nothing left to acknowledge.' })}
${incidentSummary(incident, nameOf)}
${consoleLink(incident.id)}`,
  );
}

/** POST succeeded. */
export function acknowledgedPage(incident: IncidentView, person: LinkPerson, nameOf: NameOf): string {
  return consolePage(
    undefined,
    `Acknowledged: ${incident.title}`,
    html`<h1>Acknowledged</h1>
${flash({ notice: `Acknowledged as ${person.name}: paging has stopped. The timeline records you as the one who acknowledged.` })}
${incidentSummary(incident, nameOf)}
<p>Next: post a status update when you know what is going on.</p>
${consoleLink(incident.id)}`,
  );
}

/** A second use of a link: when it was used, and where the incident stands now. */
export function usedLinkPage(incident: IncidentView | undefined, usedAt: string, nameOf: NameOf): string {
  return consolePage(
    undefined,
    'Link already used',
    html`<h1>This link was already used</h1>
${flash({ error: `It was used at ${usedAt.slice(0, 16).replace('T', ' ')} UTC, and a link works only once.` })}
${incident ? html`${incidentSummary(incident, nameOf)}${consoleLink(incident.id)}` : ''}`,
  );
}

/** What to do instead when a link cannot be used, by what the link was for (the page knows, not the link). */
const INSTEAD: Record<LinkPurpose, (incidentId: string) => Html> = {
  acknowledge: (id) => html`<p>If you are on call for this incident, acknowledge it in the console, or with <code>marshal ack${id ? ` ${id}` : ''}</code>.</p>`,
  update: (id) => html`<p>Post the update in the console, or with <code>marshal update${id ? ` ${id}` : ''}</code>.</p>`,
  'accept-handoff': (id) => html`<p>If you are taking over as commander, accept in the console, or with <code>marshal accept${id ? ` ${id}` : ''}</code>.</p>`,
};

/** A link refused (damaged, not signed by this Marshal, for something else, expired, for someone not in policy). */
export function refusedLinkPage(purpose: LinkPurpose, message: string, incidentId?: string): string {
  return consolePage(
    undefined,
    'Link refused',
    html`<h1>This link cannot be used</h1>
${flash({ error: message })}
${INSTEAD[purpose](incidentId ?? '')}
${incidentId ? consoleLink(incidentId) : html`<p><a href="/console">Open the console</a></p>`}`,
  );
}

/** The latest status update, shortened: enough to write the next one after it. Below the form, which a phone must show first. */
function lastUpdate(incident: IncidentView, nameOf: NameOf): Html | string {
  const last = incident.statusUpdates.at(-1);
  if (!last) return html`<p class="muted">No status update has been posted yet.</p>`;
  const message = last.message.length > 600 ? `${last.message.slice(0, 599)}…` : last.message;
  return html`<div class="card link-card"><p class="muted">Last update, ${time(last.at)} by ${nameOf(last.by)} · ${last.status}</p><p class="last-update">${message}</p></div>`;
}

/**
 * GET of an update link: the message to write and one Post button. Also the answer to a refused message
 * (400, `error` naming the field, what was typed kept), since the link was not spent.
 */
export function updateFormPage(
  incident: IncidentView,
  person: LinkPerson,
  token: string,
  expiresAt: number,
  nameOf: NameOf,
  entered: { status?: string; message?: string; error?: string } = {},
): string {
  const status = entered.status ?? incident.statusUpdates.at(-1)?.status ?? 'investigating';
  return consolePage(
    undefined,
    `Post an update: ${incident.title}`,
    html`<h1>Post a status update</h1>
${entered.error ? flash({ error: `${entered.error}. Nothing was posted; your link still works.` }) : ''}
${incidentSummary(incident, nameOf)}
<form method="post" action="/console/update" class="stack card link-form"><input type="hidden" name="t" value="${token}">
<p>You post as <strong>${person.name}</strong> <span class="muted">(${person.id})</span>, for responders and stakeholders (not the status page).</p>
${textArea({ id: 'u-message', name: 'message', label: 'Update', required: true, value: entered.message, maxlength: STATUS_UPDATE_MESSAGE_MAX, hint: 'What is known, what is being done, when the next update comes.' })}
${selectField({ id: 'u-status', name: 'status', label: 'Status', choices: [...UPDATE_STATUSES], selected: status, required: true })}
<button type="submit" class="big">Post</button></form>
${lastUpdate(incident, nameOf)}
<p class="muted">Opening this link did nothing by itself. It posts once, as you, on this incident only, until ${time(new Date(expiresAt).toISOString())}.</p>
${consoleLink(incident.id)}`,
  );
}

/** POST of an update link succeeded. */
export function updatePostedPage(incident: IncidentView, person: LinkPerson, nameOf: NameOf): string {
  return consolePage(
    undefined,
    `Update posted: ${incident.title}`,
    html`<h1>Update posted</h1>
${flash({ notice: `Posted as ${person.name}. The timeline records you as its author; the reminders start counting again.` })}
${incidentSummary(incident, nameOf)}
${lastUpdate(incident, nameOf)}
${consoleLink(incident.id)}`,
  );
}

/** An update link on an incident that takes no more updates (resolved): nothing was posted. */
export function nothingToUpdatePage(incident: IncidentView, nameOf: NameOf, reason: string): string {
  return consolePage(
    undefined,
    `No update posted: ${incident.title}`,
    html`<h1>No update was posted</h1>
${flash({ error: reason })}
${incidentSummary(incident, nameOf)}
${consoleLink(incident.id)}`,
  );
}

/** GET of an accept-handoff link: who hands over, their notes, and one Accept button. */
export function acceptHandoffPage(incident: IncidentView, person: LinkPerson, token: string, expiresAt: number, nameOf: NameOf): string {
  const handoff = incident.pendingHandoff!;
  return consolePage(
    undefined,
    `Accept handoff: ${incident.title}`,
    html`<h1>Take over as commander?</h1>
${incidentSummary(incident, nameOf)}
<div class="act-now"><p><strong>${nameOf(handoff.from)}</strong> hands the incident to you, <strong>${person.name}</strong> <span class="muted">(${person.id})</span>, since ${time(handoff.at)}. Accepting says you have it: reminders stop.</p>
${handoff.notes ? html`<p>Notes: <span class="last-update">${handoff.notes}</span></p>` : ''}
<form method="post" action="/console/accept-handoff"><input type="hidden" name="t" value="${token}"><button type="submit" class="big">Accept handoff</button></form></div>
<p class="muted">Opening this link did nothing by itself. It works once, for you and this incident only, until ${time(new Date(expiresAt).toISOString())}.</p>
${consoleLink(incident.id)}`,
  );
}

/** The link is genuine and unused, but the handoff is no longer this person's to accept: say who holds command. */
export function noHandoffPage(incident: IncidentView, person: LinkPerson, nameOf: NameOf): string {
  const commander = incident.roles.commander;
  const pending = incident.pendingHandoff;
  const why = pending
    ? `The handoff now goes to ${nameOf(pending.to)}, not to you.`
    : commander === person.id
      ? 'You already accepted it: you are the commander.'
      : commander
        ? `${nameOf(commander)} is the commander now; no handoff to you is waiting.`
        : 'No commander handoff is waiting.';
  return consolePage(
    undefined,
    `No handoff to accept: ${incident.title}`,
    html`<h1>${commander === person.id && !pending ? 'You are already the commander' : 'You are no longer the incoming commander'}</h1>
${flash({ notice: `Nothing was done. ${why}` })}
${incidentSummary(incident, nameOf)}
${consoleLink(incident.id)}`,
  );
}

/** POST of an accept-handoff link succeeded. */
export function handoffAcceptedPage(incident: IncidentView, person: LinkPerson, nameOf: NameOf): string {
  return consolePage(
    undefined,
    `Handoff accepted: ${incident.title}`,
    html`<h1>You are the commander</h1>
${flash({ notice: `Accepted as ${person.name}. The timeline records that you have it.` })}
${incidentSummary(incident, nameOf)}
${consoleLink(incident.id)}`,
  );
}
