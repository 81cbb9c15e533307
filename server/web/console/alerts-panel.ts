/**
 * The incident's alerts as a responder needs them: each alert identity with its state, when it was first
 * and last seen, how many deliveries, its labels, and what its sender said — annotations as text and links
 * (runbook, dashboard, panel, silence, generator) as links. Senders are not trusted: only http and https
 * URLs become links (a `javascript:` URL stays text), and everything is escaped by the html template.
 */
import type { AttachedAlert } from '../../../workflows/incident-state';
import { html, time, type Html } from '../html';

/** What a link key means to a responder; other keys keep their own name. */
const LINK_NAMES: Record<string, string> = {
  runbook_url: 'Runbook',
  runbook: 'Runbook',
  dashboardURL: 'Dashboard',
  panelURL: 'Panel',
  silenceURL: 'Silence',
  generatorURL: 'Source query',
  client_url: 'Sender',
  url: 'Link',
};

/** The URL when it is an absolute http(s) URL, else undefined: nothing else may become a link. */
export function safeLink(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** PagerDuty's links arrive as "text <href>" (see linksContext); split so the text names the link. */
function linkParts(key: string, value: string): { name: string; href?: string; text: string } {
  const named = /^(.*) <([^<>]+)>$/.exec(value);
  const href = safeLink(named ? named[2] : value);
  const name = named?.[1] || LINK_NAMES[key] || (/^link(_\d+)?$/.test(key) ? 'Link' : key);
  return { name, href, text: value };
}

function annotations(alert: AttachedAlert): Html {
  const entries = Object.entries(alert.annotations ?? {});
  if (alert.url && !entries.some(([, value]) => value === alert.url)) entries.push(['url', alert.url]);
  if (entries.length === 0) return html``;
  const parts = entries.map(([key, value]) => ({ key, ...linkParts(key, value) }));
  const links = parts.filter((part) => part.href);
  const texts = parts.filter((part) => !part.href);
  return html`${links.length ? html`<ul class="plain inline-list alert-links">${links.map((part) => html`<li><a href="${part.href!}" rel="noopener noreferrer">${part.name}</a></li>`)}</ul>` : ''}
${texts.length ? html`<dl class="annotations">${texts.map((part) => html`<dt>${part.key}</dt><dd>${part.text}</dd>`)}</dl>` : ''}`;
}

function labels(alert: AttachedAlert): Html {
  const entries = Object.entries(alert.labels ?? {});
  if (entries.length === 0) return html``;
  return html`<ul class="plain inline-list labels">${entries.map(([key, value]) => html`<li><span class="pill">${key}=${value}</span></li>`)}</ul>`;
}

export function alertsPanel(alerts: AttachedAlert[]): Html {
  if (alerts.length === 0) return html`<p>No alerts: this incident was declared by hand.</p>`;
  // Firing first, then the most recently seen: what still needs attention leads.
  const ordered = [...alerts].sort((a, b) => (a.status === b.status ? b.lastSeenAt.localeCompare(a.lastSeenAt) : a.status === 'firing' ? -1 : 1));
  return html`<ul class="plain alerts">${ordered.map(
    (alert) => html`<li class="card alert alert-${alert.status}">
<div class="row"><strong>${alert.summary || alert.key}</strong><span class="pill alert-state">${alert.status === 'firing' ? 'Firing' : 'Resolved'}</span></div>
<div class="muted">${alert.source} · ${alert.key}</div>
<div>First seen ${time(alert.firstSeenAt)} · last seen ${time(alert.lastSeenAt)} · ${alert.deliveries} deliver${alert.deliveries === 1 ? 'y' : 'ies'}</div>
${labels(alert)}
${annotations(alert)}
</li>`,
  )}</ul>`;
}
