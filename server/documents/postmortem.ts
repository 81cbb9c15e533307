/**
 * A blameless postmortem draft written only from facts on the incident's timeline. Where the timeline
 * cannot know the answer (the deeper whys, what each layer of defence missed) the draft quotes what
 * responders wrote and asks the question instead of guessing. It never names a person as a cause: the
 * analysis sections speak of systems and conditions, and every quoted note passes the blameless filter.
 */
import type { ServicePolicy } from '../../policy/types';
import type { IncidentView } from '../../workflows/incident-view';
import { layerEvidence, responseFacts } from './analysis';
import { affectedComponents, durationInWords, IMPACT_LABELS, impactOf, listInWords, utc } from './plain-language';
import { blamelessScrubber, peopleOf, timelineLines } from './timeline';

export { describeEvent } from './timeline';

export interface DocumentContext {
  /** Names and ids of people in policy, so quoted notes that mention them are made blameless. */
  people?: string[];
  /** Services from policy, for their status-page components. */
  services?: Record<string, ServicePolicy>;
  /** "Now" for an unresolved incident's duration. */
  now?: string;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function severityPath(incident: IncidentView): string {
  const changes = incident.timeline.flatMap((event) => (event.type === 'severity-changed' ? [event] : []));
  return [changes[0]?.from ?? incident.severity, ...changes.map((change) => change.to)].join(' → ');
}

export function impactLines(incident: IncidentView, context: DocumentContext, free: (text: string) => string): string[] {
  const end = incident.resolvedAt ?? context.now ?? new Date().toISOString();
  const components = affectedComponents(incident, context.services ?? {});
  const worst = incident.timeline.reduce((sev, event) => {
    if (event.type !== 'severity-changed') return sev;
    const rank = (name: string) => incident.policy.severities.findIndex((s) => s.name === name);
    return rank(event.to) < rank(sev) ? event.to : sev;
  }, severityPath(incident).split(' → ')[0]);
  const lines = [
    `- Duration: ${durationInWords(Date.parse(end) - Date.parse(incident.declaredAt))} (declared ${utc(incident.declaredAt)}${incident.resolvedAt ? `, resolved ${utc(incident.resolvedAt)}` : ', not yet resolved'})`,
    incident.acknowledgedAt ? `- Time to acknowledge: ${durationInWords(Date.parse(incident.acknowledgedAt) - Date.parse(incident.declaredAt))}` : '- Never acknowledged',
    `- Severity: ${severityPath(incident)} (worst: ${worst}, customer impact at worst: ${IMPACT_LABELS[impactOf(worst, incident.policy.severities)].toLowerCase()})`,
    `- Services affected: ${incident.service ? `${incident.service}${components.length ? ` (status-page component ${listInWords(components)})` : ''}` : 'not recorded on the incident'}`,
  ];
  for (const event of incident.timeline) {
    if (event.type === 'severity-changed') lines.push(`- Severity ${event.from} → ${event.to} at ${utc(event.at)}: ${free(event.reason)}`);
  }
  const published = incident.statusUpdates.filter((update) => update.public).length;
  lines.push(`- Customer communication: ${published} public status update${published === 1 ? '' : 's'}`);
  return lines;
}

export function draftPostmortem(incident: IncidentView, context: DocumentContext = {}): string {
  const free = blamelessScrubber(peopleOf(incident, context.people));
  const facts = responseFacts(incident);
  const layers = layerEvidence(incident, free);
  const identified = incident.statusUpdates.filter((update) => update.status === 'identified');
  const components = affectedComponents(incident, context.services ?? {});
  const end = incident.resolvedAt ?? context.now ?? new Date().toISOString();
  const bullet = (items: string[], none: string) => (items.length ? items.map((item) => `- ${item}`) : [`- ${none}`]);

  const summary = [
    `${free(incident.title)}.`,
    `Declared ${utc(incident.declaredAt)} as ${severityPath(incident).split(' → ')[0]}${incident.service ? ` for ${incident.service}` : ''}${incident.team ? ` (team ${incident.team})` : ''}` +
      (incident.resolvedAt ? `; resolved after ${durationInWords(Date.parse(incident.resolvedAt) - Date.parse(incident.declaredAt))}.` : '; not yet resolved.'),
    incident.summary ? `Reported as: ${free(incident.summary)}` : '',
    incident.resolution ? `Resolution: ${free(incident.resolution)}` : '',
  ]
    .filter(Boolean)
    .join(' ');

  const lines = [
    `# Postmortem: ${free(incident.title)}`,
    '',
    `Incident ${incident.id} · ${incident.severity}${incident.service ? ` · service ${incident.service}` : ''}${incident.team ? ` · team ${incident.team}` : ''} · policy ${incident.policyVersion.slice(0, 12)}`,
    '',
    '_Blameless: describe systems, conditions and decisions, not people. Everything below comes from the incident timeline; replace the questions in italics with what the team learns._',
    '',
    '## Summary',
    summary,
    '',
    '## Impact',
    ...impactLines(incident, context, free),
    '',
    '## Timeline',
    ...timelineLines(incident, free),
    '',
    '## Contributing factors by layer of defence',
    'Swiss-cheese model: an incident gets through when the holes in several layers line up. For each layer, what let this through, and what would close the hole?',
    '',
    ...layers.flatMap((layer) => [
      `### ${layer.layer}`,
      ...(layer.evidence.length ? layer.evidence.map((item) => `- ${item}`) : ['- The timeline records nothing about this layer.']),
      `- _${layer.question}_`,
      '',
    ]),
    '## Five whys',
    `1. Why were customers affected? ${listInWords(components, incident.service ?? 'The affected service')} ${incident.resolvedAt ? 'was' : 'is'} impaired (${IMPACT_LABELS[impactOf(incident.severity, incident.policy.severities)].toLowerCase()}) for ${durationInWords(Date.parse(end) - Date.parse(incident.declaredAt))}: ${free(incident.title)}.`,
    identified.length
      ? `2. Why did that happen? As identified during the incident: ${identified.map((update) => `"${free(update.message)}"`).join('; ')}`
      : '2. Why did that happen? _The timeline has no "identified" update: what failed, technically?_',
    '3. Why was that possible? _Which condition in the system allowed it (see the layers above)?_',
    '4. Why was that condition there? _What in how we build, test, review or ship made it likely?_',
    '5. Why did no layer stop it? _The root cause is usually here: a gap in a process or a tool, never a person._',
    '',
    '## What went well',
    ...bullet(facts.wentWell, '_Nothing recorded yet._'),
    '',
    '## What did not go well',
    ...bullet(facts.didNotGoWell, '_Nothing on the timeline stands out; ask the responders._'),
    '',
    '## Action items',
    ...(incident.actionItems.length === 0
      ? ['_None yet: each should close a hole named above or improve the response, with an owner and a due date._']
      : [
          '| id | action | owner | due | state |',
          '| --- | --- | --- | --- | --- |',
          ...incident.actionItems.map(
            (item) =>
              `| ${item.id} | ${cell(free(item.title))} | ${cell(item.owner)} | ${item.dueAt?.slice(0, 10) ?? 'no due date'} | ${item.state}${item.waiveReason ? ` (${cell(free(item.waiveReason))})` : ''} |`,
          ),
        ]),
    '',
  ];
  return lines.join('\n');
}
