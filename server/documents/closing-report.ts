/**
 * The closing report for stakeholders (003: "incident report in plain language"): issue summary, impact,
 * timeline, root cause, recommendations and next steps, from the incident's own data. Shorter than the
 * postmortem and written for people outside the response; blameless in the same way.
 */
import type { IncidentView } from '../../workflows/incident-view';
import { affectedComponents, durationInWords, IMPACT_LABELS, impactOf, listInWords, UPDATE_LABELS, utc } from './plain-language';
import { impactLines, severityPath, type DocumentContext } from './postmortem';
import { blamelessScrubber, peopleOf } from './timeline';

/** The root cause as the team recorded it: a "Root cause" section of the published postmortem, else the identified updates. */
function rootCause(incident: IncidentView, free: (text: string) => string): string[] {
  const published = incident.postmortem?.markdown;
  if (published) {
    // The text under the first "## Root cause" (or "## Five whys") heading, up to the next heading of that level.
    const sections = published.split(/^(?=##\s)/m);
    const section = sections.find((part) => /^##\s*root cause/i.test(part)) ?? sections.find((part) => /^##\s*five whys/i.test(part));
    const body = section?.split('\n').slice(1).join('\n').trim();
    if (body) return [free(body)];
  }
  const identified = incident.statusUpdates.filter((update) => update.status === 'identified');
  if (identified.length) return identified.map((update) => `- As identified at ${utc(update.at)}: ${free(update.message)}`);
  return ['_Not yet established: the postmortem will say._'];
}

export function closingReport(incident: IncidentView, context: DocumentContext = {}): string {
  const free = blamelessScrubber(peopleOf(incident, context.people));
  const components = affectedComponents(incident, context.services ?? {});
  const end = incident.resolvedAt ?? context.now ?? new Date().toISOString();
  // The impact lasted from when it began, if someone set that, not merely from when it was declared.
  const lasted = durationInWords(Date.parse(end) - Date.parse(incident.impactStartedAt ?? incident.declaredAt));
  const worstImpact =
    IMPACT_LABELS[
      impactOf(
        severityPath(incident)
          .split(' → ')
          .reduce((worst, name) => {
            const rank = (n: string) => incident.policy.severities.findIndex((s) => s.name === n);
            return rank(name) < rank(worst) ? name : worst;
          }),
        incident.policy.severities,
      )
    ].toLowerCase();

  const timeline: string[] = [
    ...(incident.impactStartedAt ? [`- ${utc(incident.impactStartedAt)} — Impact began`] : []),
    `- ${utc(incident.declaredAt)} — Incident declared (${severityPath(incident).split(' → ')[0]})`,
  ];
  for (const event of incident.timeline) {
    if (event.type === 'acknowledged') timeline.push(`- ${utc(event.at)} — A responder acknowledged and began work`);
    if (event.type === 'status-updated') timeline.push(`- ${utc(event.at)} — ${UPDATE_LABELS[event.status]}${event.public ? ' (published to customers)' : ''}: ${free(event.message)}`);
    if (event.type === 'severity-changed') timeline.push(`- ${utc(event.at)} — Severity ${event.from} → ${event.to}: ${free(event.reason)}`);
    if (event.type === 'monitor-recovered') timeline.push(`- ${utc(event.at)} — Monitoring reported recovery`);
    if (event.type === 'resolved') timeline.push(`- ${utc(event.at)} — Resolved: ${free(event.summary)}`);
    if (event.type === 'postmortem-published') timeline.push(`- ${utc(event.at)} — Postmortem published`);
    if (event.type === 'closed') timeline.push(`- ${utc(event.at)} — Incident closed`);
  }

  const open = incident.actionItems.filter((item) => item.state === 'open');
  const nextSteps = [
    ...(!incident.resolvedAt ? ['- Resolve the incident and publish the "Resolved" update to customers.'] : []),
    ...(incident.resolvedAt && !incident.postmortem && severityRequiresPostmortem(incident) ? ['- Publish the blameless postmortem.'] : []),
    ...open.map((item) => `- ${item.id}: ${free(item.title)} — owner ${item.owner}${item.dueAt ? `, due ${item.dueAt.slice(0, 10)}` : ', no due date yet'}`),
  ];

  return [
    `# Incident report: ${free(incident.title)}`,
    '',
    `Incident ${incident.id} · ${incident.status} · ${utc(incident.declaredAt)}${incident.resolvedAt ? ` to ${utc(incident.resolvedAt)}` : ' (ongoing)'}`,
    '',
    '## Issue summary',
    `${listInWords(components, incident.service ?? 'A service')} had a ${worstImpact} lasting ${lasted}${incident.resolvedAt ? '' : ' so far'}. ${incident.resolution ? `It was resolved: ${free(incident.resolution)}` : 'It is not yet resolved.'}`,
    '',
    '## Impact',
    ...impactLines(incident, context, free),
    '',
    '## Timeline',
    ...timeline,
    '',
    '## Root cause',
    ...rootCause(incident, free),
    '',
    '## Recommendations',
    ...(incident.actionItems.length
      ? incident.actionItems.map((item) => `- ${free(item.title)} (${item.state}${item.state === 'waived' && item.waiveReason ? `: ${free(item.waiveReason)}` : ''})`)
      : ['_The postmortem review will recommend changes; none recorded yet._']),
    '',
    '## Next steps',
    ...(nextSteps.length ? nextSteps : ['- Nothing outstanding: every action item is complete or waived.']),
    '',
  ].join('\n');
}

function severityRequiresPostmortem(incident: IncidentView): boolean {
  return incident.policy.severities.find((s) => s.name === incident.severity)?.postmortem.required ?? false;
}
