/**
 * An alert's context as senders give it — annotations (summary, description, runbook_url, …) and the links
 * beside them (Alertmanager's generatorURL; Grafana's dashboardURL, panelURL, silenceURL; PagerDuty's links
 * and client_url) — gathered into one bounded map that travels with the alert to its incident. Bounded here,
 * at the edge, because it goes into workflow signals and the timeline: a sender may annotate without limit.
 */

export const ALERT_CONTEXT_LIMITS = {
  /** Annotations and links kept per alert; what a responder needs comes first (see FIRST). */
  entries: 20,
  /** Characters of each value (a description, a URL); longer ones are cut with an ellipsis. */
  valueChars: 1024,
  keyChars: 100,
} as const;

/** What a responder reaches for first, so a long list of annotations never crowds these out. */
const FIRST = ['summary', 'description', 'runbook_url', 'runbook', 'generatorURL', 'dashboardURL', 'panelURL', 'silenceURL', 'client_url'];

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * One map from the sender's annotations and link fields, most useful first, empty values and Grafana's
 * internal `__…__` annotations left out; undefined when there is nothing to keep.
 */
export function alertContext(...sources: (Record<string, unknown> | undefined)[]): Record<string, string> | undefined {
  const all = new Map<string, string>();
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) {
      if (typeof value !== 'string' || value === '' || /^__.*__$/.test(key) || all.has(key)) continue;
      all.set(key, value);
    }
  }
  const ordered = [...FIRST.filter((key) => all.has(key)), ...[...all.keys()].filter((key) => !FIRST.includes(key))];
  const kept = ordered.slice(0, ALERT_CONTEXT_LIMITS.entries).map((key) => [clip(key, ALERT_CONTEXT_LIMITS.keyChars), clip(all.get(key)!, ALERT_CONTEXT_LIMITS.valueChars)] as const);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** PagerDuty's `links` as context entries: `link` for the first, `link_2`, `link_3`, … after it. */
export function linksContext(links: { href: string; text?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((links ?? []).slice(0, 5).map((link, index) => [index === 0 ? 'link' : `link_${index + 1}`, link.text ? `${link.text} <${link.href}>` : link.href]));
}
