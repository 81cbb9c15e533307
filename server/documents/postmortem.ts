/**
 * A blameless postmortem draft written only from facts on the incident's timeline. Where the timeline
 * cannot know the answer (root cause, what went well) the draft asks the question instead of guessing,
 * and it never names a person as a cause.
 */
import type { IncidentState, TimelineEvent } from '../../workflows/incident-state';

const DEFENCE_LAYERS = ['Testing', 'Code review', 'Deployment verification', 'Monitoring and alerting'];

function duration(fromIso: string, toIso: string): string {
  const minutes = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** One line per meaningful event; bookkeeping (phase changes, policy versions) is left out. */
export function describeEvent(event: TimelineEvent): string | undefined {
  switch (event.type) {
    case 'declared': return `Incident declared as ${event.severity}: ${event.title}`;
    case 'acknowledged': return `Acknowledged by ${event.by}`;
    case 'status-updated': return `Status update (${event.status}${event.public ? ', public' : ''}): ${event.message}`;
    case 'severity-changed': return `Severity ${event.from} → ${event.to}${event.responderNeeded ? '' : ' (no responder needed)'}: ${event.reason}`;
    case 'role-assigned': return event.previous ? `${event.role} handed over from ${event.previous} to ${event.person}` : `${event.person} became ${event.role}`;
    case 'team-reassigned': return `Reassigned from team ${event.from ?? '(none)'} to ${event.to}: ${event.reason}`;
    case 'resolved': return `Resolved: ${event.summary}`;
    case 'action-item-added': return `Action item ${event.itemId} added: ${event.title} (owner ${event.owner})`;
    case 'action-item-completed': return `Action item ${event.itemId} completed`;
    case 'action-item-waived': return `Action item ${event.itemId} waived: ${event.reason}`;
    case 'postmortem-published': return 'Postmortem published';
    case 'closed': return 'Incident closed';
    default: return undefined;
  }
}

export function draftPostmortem(incident: IncidentState): string {
  const end = incident.resolvedAt ?? new Date().toISOString();
  const severityChanges = incident.timeline.flatMap((event) => (event.type === 'severity-changed' ? [event] : []));
  const severityPath = [severityChanges[0]?.from ?? incident.severity, ...severityChanges.map((change) => change.to)].join(' → ');
  const lines = [
    `# Postmortem: ${incident.title}`,
    '',
    `Incident ${incident.id} · ${incident.severity}${incident.service ? ` · service ${incident.service}` : ''}${incident.team ? ` · team ${incident.team}` : ''}`,
    '',
    '## Summary',
    incident.resolution ?? incident.summary ?? '_What happened, in two or three sentences a customer could follow._',
    '',
    '## Impact',
    `- Duration: ${duration(incident.declaredAt, end)} (declared ${incident.declaredAt}${incident.resolvedAt ? `, resolved ${incident.resolvedAt}` : ', not yet resolved'})`,
    incident.acknowledgedAt ? `- Time to acknowledge: ${duration(incident.declaredAt, incident.acknowledgedAt)}` : '- Never acknowledged',
    `- Severity: ${severityPath}`,
    ...(incident.service ? [`- Services affected: ${incident.service}`] : []),
    '',
    '## Timeline (UTC)',
    ...incident.timeline.flatMap((event) => {
      const line = describeEvent(event);
      return line ? [`- ${event.at.slice(0, 16).replace('T', ' ')} — ${line}`] : [];
    }),
    '',
    '## Contributing factors by layer of defence',
    'Each layer is a slice of Swiss cheese: which holes lined up? Describe systems and conditions, not people.',
    ...DEFENCE_LAYERS.map((layer) => `- **${layer}:** _What let this through, or what caught it?_`),
    '',
    '## Five whys',
    ...[1, 2, 3, 4, 5].map((n) => `${n}. Why${n === 1 ? ' did this happen' : ''}? _…_`),
    '',
    '## What went well',
    '- _…_',
    '',
    '## What did not go well',
    '- _…_',
    '',
    '## Action items',
    ...(incident.actionItems.length === 0
      ? ['_None yet: each should prevent a recurrence or improve the response, with an owner and a due date._']
      : ['| id | action | owner | due | state |', '| --- | --- | --- | --- | --- |', ...incident.actionItems.map((item) => `| ${item.id} | ${item.title} | ${item.owner} | ${item.dueAt?.slice(0, 10) ?? '—'} | ${item.state} |`)]),
    '',
  ];
  return lines.join('\n');
}
