/** The public status page as HTML: overall state, components with their services and 90 days, incidents with their updates. */
import { html, time, type Html } from './html';
import { page } from './layout';
import type { ComponentStatus, PublicIncident, PublicStatus } from './status-model';

function incidentCard(incident: PublicIncident, headingLevel: 'h3' | 'h4'): Html {
  const heading = html`<span class="state state-${incident.impact}">${incident.name}</span>`;
  return html`<article class="card incident" aria-labelledby="incident-${incident.id}">
  ${headingLevel === 'h3' ? html`<h3 id="incident-${incident.id}">${heading}</h3>` : html`<h4 id="incident-${incident.id}">${heading}</h4>`}
  <p class="muted">${incident.resolvedAt ? html`Resolved ${time(incident.resolvedAt)} · began ${time(incident.startedAt)}` : html`Began ${time(incident.startedAt)} · current status: ${incident.statusLabel}`}</p>
  <ol class="updates" reversed>
    ${incident.updates.map((update) => html`<li><strong>${update.label}</strong> — ${update.message}<br><span class="muted">${time(update.at)}</span></li>`)}
  </ol>
</article>`;
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function component(component: ComponentStatus, historyDays: number): Html {
  const first = component.days[0]?.date;
  const last = component.days[component.days.length - 1]?.date;
  return html`<section class="card component" aria-labelledby="component-${slug(component.name)}">
  <div class="row"><h3 id="component-${slug(component.name)}">${component.name}</h3><span class="state state-${component.state}">${component.stateLabel}</span></div>
  <ul>
    ${component.services.map((service) => html`<li class="row"><span>${service.id}</span><span class="state state-${service.state}">${service.stateLabel}</span></li>`)}
  </ul>
  <div class="bars" aria-hidden="true">${component.days.map((day) => html`<span class="bg-${day.state}" title="${day.date}: ${day.state.replace(/_/g, ' ')}"></span>`)}</div>
  <p class="muted row"><span>${first} – ${last}</span><span>${component.daysWithIncidents === 0 ? `No incidents in the last ${historyDays} days` : `${component.daysWithIncidents} day${component.daysWithIncidents === 1 ? '' : 's'} with incidents in the last ${historyDays} days`}</span></p>
</section>`;
}

export function statusPage(status: PublicStatus): string {
  const byDay = new Map<string, PublicIncident[]>();
  for (const incident of status.pastIncidents) {
    const day = incident.startedAt.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), incident]);
  }
  const body = html`<h1>Service status</h1>
<div class="banner bg-${status.state}" role="status">${status.summary}</div>
<p class="muted">Updated ${time(status.generatedAt)}. Times are in UTC. This page works without JavaScript; reload it for the latest news, or read <a href="/api/v1/status">the same data as JSON</a>.</p>
<section aria-labelledby="active-heading">
  <h2 id="active-heading">Current incidents</h2>
  ${status.activeIncidents.length ? status.activeIncidents.map((incident) => incidentCard(incident, 'h3')) : html`<p>No incidents are in progress.</p>`}
</section>
<section aria-labelledby="components-heading">
  <h2 id="components-heading">Components</h2>
  <div class="grid">${status.components.map((entry) => component(entry, status.historyDays))}</div>
</section>
<section aria-labelledby="history-heading">
  <h2 id="history-heading">Past incidents (last ${status.historyDays} days)</h2>
  ${
    byDay.size === 0
      ? html`<p>No incidents in the last ${status.historyDays} days.</p>`
      : [...byDay.entries()].map(([day, incidents]) => html`<h3>${day}</h3>${incidents.map((incident) => incidentCard(incident, 'h4'))}`)
  }
</section>`;
  return page({ title: `Status: ${status.summary}`, body });
}
