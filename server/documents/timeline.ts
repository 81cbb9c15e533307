/**
 * The incident's timeline in words, and the blameless filter every document passes free text through:
 * people known to the incident (actors, role holders, owners, policy people) are replaced by their part
 * in the response, so a quoted note like "Rebecca's deploy broke it" reads "a teammate's deploy broke it".
 */
import type { TimelineEvent } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';
import { utc } from './plain-language';

/** Actors that are systems, not people. */
const SYSTEM_ACTORS = new Set(['marshal', 'unknown', 'admin', 'console', 'system']);

/**
 * One line per meaningful event; bookkeeping (phase changes, policy versions) is left out. `free` filters
 * free text (messages, reasons, summaries) — actors stay named: who acknowledged is a fact, not a cause.
 */
export function describeEvent(event: TimelineEvent, free: (text: string) => string = (text) => text): string | undefined {
  switch (event.type) {
    case 'declared':
      return `Incident declared as ${event.severity}: ${free(event.title)}`;
    case 'acknowledged':
      return `Acknowledged by ${event.by}`;
    case 'status-updated':
      return `Status update (${event.status}${event.public ? ', public' : ''}): ${free(event.message)}`;
    case 'severity-changed':
      return `Severity ${event.from} → ${event.to}${event.responderNeeded ? '' : ' (no responder needed)'}: ${free(event.reason)}`;
    case 'role-assigned':
      return `${event.previous ? `${event.role} handed over from ${event.previous} to ${event.person}` : `${event.person} became ${event.role}`}${event.awaitsAcceptance ? ', awaiting acceptance' : ''}${
        event.notes ? `. Handoff notes: ${free(event.notes)}` : ''
      }`;
    case 'handoff-accepted':
      return `${event.by} accepted the ${event.role} handoff${event.from ? ` from ${event.from}` : ''}`;
    case 'details-edited': {
      const changes = [
        event.title ? `title "${free(event.title.from ?? '')}" → "${free(event.title.to)}"` : '',
        event.summary ? `summary → "${free(event.summary.to)}"` : '',
        event.impactStartedAt ? `impact start ${event.impactStartedAt.from ? `${utc(event.impactStartedAt.from)} → ` : ''}${utc(event.impactStartedAt.to)}` : '',
      ].filter(Boolean);
      return `Edited ${changes.join('; ')}`;
    }
    case 'team-reassigned':
      return `Reassigned from team ${event.from ?? '(none)'} to ${event.to}: ${free(event.reason)}`;
    case 'resolved':
      return `Resolved: ${free(event.summary)}`;
    case 'action-item-added':
      return `Action item ${event.itemId} added: ${free(event.title)} (owner ${event.owner})`;
    case 'action-item-completed':
      return `Action item ${event.itemId} completed`;
    case 'action-item-waived':
      return `Action item ${event.itemId} waived: ${free(event.reason)}`;
    case 'postmortem-published':
      return 'Postmortem published';
    case 'alert':
      return `Alert ${event.status === 'firing' ? 'firing' : 'recovered'} from ${event.source}: ${free(event.summary)}`;
    case 'monitor-recovered':
      return 'Monitoring reports recovery: every attached alert has resolved';
    case 'change':
      return `Change to ${event.service}${event.source ? ` from ${event.source}` : ''}: ${free(event.summary)}${event.occurredAt && event.occurredAt !== event.at ? ` (made ${utc(event.occurredAt)})` : ''}`;
    case 'escalation-started':
      return `Paging started for team ${event.team || '(none)'} at ${event.severity} (${event.reason})`;
    case 'escalation-step':
      return `Escalation level ${event.level}, round ${event.round}: paging ${event.targets.join(', ') || 'nobody'}${event.overflow ? ' (overflow to the secondary)' : ''}${event.unresolved.length ? `; nobody found for ${event.unresolved.join(', ')}` : ''}`;
    case 'escalation-exhausted':
      return `Escalation exhausted: nobody acknowledged${event.lead ? `; team lead ${event.lead} informed` : ''}`;
    case 'notified':
      return `${event.kind === 'page' || event.kind === 'escalation' || event.kind === 'overflow' ? 'Paged' : 'Notified'} ${event.to} (${event.kind}): ${event.headline}`;
    case 'delivery':
      return `Delivery to ${event.to}${event.channel ? ` via ${event.channel}` : ''} ${event.outcome}${event.failures.length ? `: ${event.failures.join('; ')}` : ''}`;
    case 'handoff':
      return `Shift handoff: incident handed from ${event.from} to ${event.to}`;
    case 'rest-taken':
      return `${event.person} rests after a night page; ${event.cover} covers until ${utc(event.until)}`;
    case 'postmortem-due':
      return `Postmortem due ${utc(event.dueAt)}`;
    case 'closed':
      return 'Incident closed';
    default:
      return undefined;
  }
}

/** The timeline as "- 2026-11-21 05:53 UTC — what happened" lines; successful deliveries are noise here. */
export function timelineLines(incident: IncidentView, scrub: (text: string) => string = (text) => text): string[] {
  return incident.timeline.flatMap((event) => {
    if (event.type === 'delivery' && event.outcome === 'delivered') return [];
    const text = describeEvent(event, scrub);
    return text ? [`- ${utc(event.at)} — ${text}`] : [];
  });
}

/** Everyone the incident knows by name: actors, role holders, reporter, owners, page targets, plus `extra` (policy people). */
export function peopleOf(incident: IncidentView, extra: string[] = []): string[] {
  const names = new Set<string>();
  const add = (name?: string) => {
    if (!name) return;
    const trimmed = name.trim();
    if (trimmed.length >= 2 && !SYSTEM_ACTORS.has(trimmed.toLowerCase())) names.add(trimmed);
  };
  for (const event of incident.timeline) {
    if (event.type !== 'alert' && event.type !== 'monitor-recovered' && event.type !== 'change') add(event.by);
    if (event.type === 'role-assigned') {
      add(event.person);
      add(event.previous);
    }
    if (event.type === 'handoff') {
      add(event.from);
      add(event.to);
    }
    if (event.type === 'rest-taken') {
      add(event.person);
      add(event.cover);
    }
    if (event.type === 'notified') add(event.to);
    if (event.type === 'action-item-added') add(event.owner);
  }
  Object.values(incident.roles).forEach(add);
  add(incident.reporter);
  add(incident.acknowledgedBy);
  incident.actionItems.forEach((item) => {
    add(item.owner);
    add(item.closedBy);
  });
  (incident.pages ?? []).forEach((page) => add(page.to));
  for (const name of extra) {
    add(name);
    // "Alice Ng" is also spoken of as "Alice".
    name.split(/\s+/).forEach((part) => {
      if (part.length >= 3) add(part);
    });
  }
  return [...names].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replace every known person in free text with a neutral role word. */
export function blamelessScrubber(people: string[], replacement = 'a teammate'): (text: string) => string {
  if (people.length === 0) return (text) => text;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${people.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_-])`, 'giu');
  return (text) => text.replace(pattern, replacement);
}
