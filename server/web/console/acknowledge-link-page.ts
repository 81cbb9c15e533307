/**
 * The pages a signed Acknowledge link opens (acknowledge-link-routes.ts): a confirmation with one button,
 * what came of it, and why a link was refused. Read by someone just woken up, on a phone: the incident,
 * who they act as and the one button come first; every page says whether anything was done.
 */
import type { IncidentView } from '../../../workflows/incident-view';
import { html, time, type Html } from '../html';
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

/** A link refused (damaged, not signed by this Marshal, for something else, expired, for someone not in policy). */
export function refusedLinkPage(message: string, incidentId?: string): string {
  return consolePage(
    undefined,
    'Link refused',
    html`<h1>This link cannot be used</h1>
${flash({ error: message })}
<p>If you are on call for this incident, acknowledge it in the console, or with <code>marshal ack${incidentId ? ` ${incidentId}` : ''}</code>.</p>
${incidentId ? consoleLink(incidentId) : html`<p><a href="/console">Open the console</a></p>`}`,
  );
}
