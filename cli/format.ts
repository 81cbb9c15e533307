/** Human output: a tiny aligned-table formatter and the wording of incidents, events and duties. */
import type { ActionItemRow } from '../store/insight';
import type { TokenRecord } from '../store/access';
import { outstandingDuties, type TimelineEvent } from '../workflows/incident-state';
import type { IncidentView } from '../workflows/incident-view';

export type { IncidentSummary } from '../engine/incidents';
import type { IncidentSummary } from '../engine/incidents';

/**
 * Text from the API (titles, messages, alert summaries) is untrusted: control characters would break
 * the table or drive the terminal, so they become spaces.
 */
export function clean(value: string | undefined): string {
  return (value ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** Columns padded to their widest cell, two spaces apart; the last column is never padded. */
export function table(rows: string[][], header?: string[]): string {
  const all = (header ? [header, ...rows] : rows).map((row) => row.map(clean));
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** 2026-05-01T12:34:56.789Z → 2026-05-01 12:34:56Z: UTC, to the second. */
export function when(iso: string | undefined): string {
  if (!iso) return '';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}Z` : iso;
}

export function incidentList(incidents: IncidentSummary[]): string {
  if (incidents.length === 0) return 'No incidents match.';
  return table(
    incidents.map((i) => [i.id, i.severity, i.status, i.phase, i.team ?? '-', i.service ?? '-', when(i.declaredAt), i.title]),
    ['ID', 'SEVERITY', 'STATUS', 'PHASE', 'TEAM', 'SERVICE', 'DECLARED', 'TITLE'],
  );
}

/** One line per event, including the bookkeeping the postmortem leaves out (phases, policy). */
export function describeEvent(event: TimelineEvent): string {
  switch (event.type) {
    case 'declared':
      return `declared ${event.severity}: ${event.title}`;
    case 'acknowledged':
      return 'acknowledged';
    case 'status-updated':
      return `update (${event.status}${event.public ? ', public' : ''}): ${event.message}`;
    case 'severity-changed':
      return `severity ${event.from} → ${event.to}${event.responderNeeded ? '' : ' (no responder needed)'}: ${event.reason}`;
    case 'role-assigned':
      return `${event.previous ? `${event.role} handed from ${event.previous} to ${event.person}` : `${event.person} became ${event.role}`}${event.awaitsAcceptance ? ' (awaiting acceptance)' : ''}${
        event.notes ? `; notes: ${event.notes}` : ''
      }`;
    case 'handoff-accepted':
      return `${event.by} accepted the ${event.role} handoff${event.from ? ` from ${event.from}` : ''}`;
    case 'details-edited':
      return [
        event.title ? `title "${event.title.from ?? ''}" → "${event.title.to}"` : '',
        event.summary ? `summary → "${event.summary.to}"` : '',
        event.impactStartedAt ? `impact start ${event.impactStartedAt.from ? `${when(event.impactStartedAt.from)} → ` : ''}${when(event.impactStartedAt.to)}` : '',
      ]
        .filter(Boolean)
        .join('; ')
        .replace(/^/, 'edited ');
    case 'team-reassigned':
      return `team ${event.from ?? '(none)'} → ${event.to}: ${event.reason}`;
    case 'resolved':
      return `resolved: ${event.summary}`;
    case 'action-item-added':
      return `action item ${event.itemId} added: ${event.title} (owner ${event.owner}${event.dueAt ? `, due ${when(event.dueAt)}` : ''})`;
    case 'action-item-completed':
      return `action item ${event.itemId} completed`;
    case 'action-item-waived':
      return `action item ${event.itemId} waived: ${event.reason}`;
    case 'postmortem-published':
      return 'postmortem published';
    case 'policy-applied':
      return `policy ${event.from} → ${event.to}`;
    case 'phase-changed':
      return `phase ${event.from} → ${event.to}`;
    case 'closed':
      return 'closed';
    default:
      return (event as { type: string }).type;
  }
}

const at = (iso: string | undefined, by?: string) => `${when(iso)}${by ? ` by ${by}` : ''}`;

/** `marshal show`: the facts, then action items, status updates and the whole timeline. */
export function incidentDetail(incident: IncidentView): string {
  const roles = Object.entries(incident.roles)
    .map(([role, person]) => `${role} ${person}`)
    .join(', ');
  const resolvedBy = incident.timeline.find((event) => event.type === 'resolved')?.by;
  const facts: string[][] = [
    ['severity', incident.severity],
    ['status', `${incident.status} (phase ${incident.phase})`],
    ['team', incident.team ?? '-'],
    ['service', incident.service ?? '-'],
    ['roles', roles || '-'],
    ...(incident.pendingHandoff ? [['handoff', `to ${incident.pendingHandoff.to} from ${incident.pendingHandoff.from}, awaiting acceptance since ${when(incident.pendingHandoff.at)}`]] : []),
    ...(incident.impactStartedAt ? [['impact began', when(incident.impactStartedAt)]] : []),
    ['declared', at(incident.declaredAt, incident.reporter)],
    ['acknowledged', incident.acknowledgedAt ? at(incident.acknowledgedAt, incident.acknowledgedBy) : '-'],
  ];
  if (incident.resolvedAt) facts.push(['resolved', `${at(incident.resolvedAt, resolvedBy)}: ${incident.resolution ?? ''}`]);
  if (incident.postmortem) facts.push(['postmortem', `published ${at(incident.postmortem.publishedAt, incident.postmortem.publishedBy)}`]);
  if (incident.closedAt) facts.push(['closed', when(incident.closedAt)]);
  facts.push(['policy', incident.policyVersion]);
  if (incident.summary) facts.push(['summary', incident.summary]);

  const sections = [`${incident.id}  ${clean(incident.title)}`, indent(table(facts))];
  const duties = owed(incident);
  if (duties) sections.push(duties);
  if (incident.actionItems.length > 0) {
    sections.push(
      '',
      'Action items',
      table(
        incident.actionItems.map((item) => [item.id, item.state, item.owner, when(item.dueAt) || '-', item.waiveReason ? `${item.title} (waived: ${item.waiveReason})` : item.title]),
        ['ID', 'STATE', 'OWNER', 'DUE', 'TITLE'],
      ),
    );
  }
  sections.push(
    '',
    'Timeline',
    table(
      incident.timeline.map((event) => [String(event.seq), when(event.at), event.by, describeEvent(event)]),
      ['SEQ', 'AT', 'BY', 'EVENT'],
    ),
  );
  return sections.join('\n');
}

/** What still keeps a resolved incident open, so the person at the terminal knows the next step. */
export function owed(incident: IncidentView): string | undefined {
  if (incident.status !== 'resolved' || !incident.policy) return undefined;
  const duties = outstandingDuties(incident);
  return duties.length > 0 ? `Still owed before it closes: ${duties.join('; ')}` : 'Nothing else is owed; it closes now.';
}

/** A one-line confirmation of a lifecycle command, plus what is still owed. */
export function confirmation(what: string, incident: IncidentView): string {
  const lines = [`${what} ${incident.id}: ${incident.status}, phase ${incident.phase}, ${incident.severity}`];
  const duties = owed(incident);
  if (duties) lines.push(duties);
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

export function actionItemList(items: ActionItemRow[]): string {
  if (items.length === 0) return 'No action items match.';
  return table(
    items.map((item) => [
      item.overdue ? 'OVERDUE' : item.state,
      `${item.incidentId}/${item.itemId}`,
      clean(item.owner),
      item.dueAt ? when(item.dueAt) : '-',
      clean(item.title),
      clean(item.incidentTitle),
    ]),
    ['STATE', 'ITEM', 'OWNER', 'DUE', 'TITLE', 'INCIDENT'],
  );
}

export function tokenList(tokens: TokenRecord[]): string {
  if (tokens.length === 0) return 'No tokens.';
  return table(
    tokens.map((token) => [
      token.id,
      token.revokedAt ? 'revoked' : Date.parse(token.expiresAt) < Date.now() ? 'expired' : 'live',
      clean(token.person ?? `service:${token.service}`),
      clean(token.name),
      when(token.expiresAt),
      token.lastUsedAt ? when(token.lastUsedAt) : 'never',
    ]),
    ['ID', 'STATE', 'FOR', 'NAME', 'EXPIRES', 'LAST USED'],
  );
}
