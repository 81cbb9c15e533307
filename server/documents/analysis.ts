/**
 * What the timeline says about the response, as facts a review can start from: how fast it was
 * acknowledged against the severity's target, how monitoring was involved, how often customers heard
 * from us, which roles were filled, which re-triage happened. Sentences name systems and conditions,
 * never people; quoted free text goes through the caller's blameless filter.
 */
import { parseDuration } from '../../policy/duration';
import { severityPolicy, type TimelineEvent } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';
import { durationInWords, utc } from './plain-language';

export const DEFENCE_LAYERS = [
  { name: 'Testing', words: /\b(tests?|tested|testing|staging|qa|coverage|unit|integration|e2e|reproduc\w*)\b/i, question: 'Which test, in which environment, would have caught this before release?' },
  { name: 'Code review', words: /\b(review\w*|pull request|PR|merge[ds]?|approv\w*|diff)\b/i, question: 'What would a reviewer have needed to see to spot this change as risky?' },
  {
    name: 'Deployment verification',
    words: /\b(deploy\w*|roll(ed)? ?back|rollout|release[ds]?|canary|config(uration)? (push|change)|migration|feature flag|revert\w*)\b/i,
    question: 'Which check during or right after the rollout would have stopped it before customers saw it?',
  },
  {
    name: 'Monitoring and alerting',
    words: /\b(alert\w*|monitor\w*|dashboard|metric\w*|detect\w*|page[ds]?|slo|error rate|latency)\b/i,
    question: 'Did the right alert fire early enough, for the right team, with enough context to act?',
  },
] as const;

const ms = (text?: string): number | undefined => {
  if (!text) return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
};
const between = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/** Free-text facts on the timeline: what responders wrote, where they wrote it. */
export function notesOf(incident: IncidentView): { where: string; text: string }[] {
  const notes: { where: string; text: string }[] = [];
  if (incident.summary) notes.push({ where: 'declaration', text: incident.summary });
  for (const event of incident.timeline as TimelineEvent[]) {
    if (event.type === 'status-updated') notes.push({ where: `${event.status} update, ${utc(event.at)}`, text: event.message });
    if (event.type === 'severity-changed') notes.push({ where: `severity change, ${utc(event.at)}`, text: event.reason });
    if (event.type === 'team-reassigned') notes.push({ where: `team reassignment, ${utc(event.at)}`, text: event.reason });
    if (event.type === 'resolved') notes.push({ where: 'resolution', text: event.summary });
    if (event.type === 'alert' && event.status === 'firing') notes.push({ where: `alert from ${event.source}`, text: event.summary });
  }
  return notes;
}

/** Changes senders reported to the incident's service while it was open, oldest first. */
function changeFacts(incident: IncidentView, free: (text: string) => string): string[] {
  return (incident.timeline as TimelineEvent[]).flatMap((event) =>
    event.type === 'change' ? [`Change reported to ${event.service}${event.source ? ` by ${event.source}` : ''} at ${utc(event.occurredAt ?? event.at)}: "${free(event.summary)}"`] : [],
  );
}

/** Per layer of defence: what the timeline mentions about it (quoted), and the question to answer. */
export function layerEvidence(incident: IncidentView, free: (text: string) => string): { layer: string; evidence: string[]; question: string }[] {
  const notes = notesOf(incident);
  return DEFENCE_LAYERS.map((layer) => {
    const evidence = notes.filter((note) => layer.words.test(note.text)).map((note) => `"${free(note.text)}" (${note.where})`);
    if (layer.name === 'Monitoring and alerting') evidence.unshift(detectionFact(incident));
    // Reported changes (deploys, config pushes) are facts about rollouts whatever words they use.
    if (layer.name === 'Deployment verification') evidence.unshift(...changeFacts(incident, free));
    return { layer: layer.name, evidence: [...new Set(evidence)], question: layer.question };
  });
}

function detectionFact(incident: IncidentView): string {
  const alerts = incident.alerts ?? [];
  if (alerts.length === 0) return 'No monitoring alert is attached to this incident: it was declared by hand.';
  const first = alerts.map((alert) => alert.firstSeenAt).sort()[0];
  const sources = [...new Set(alerts.map((alert) => alert.source))].join(', ');
  return `Monitoring raised ${alerts.length} alert${alerts.length === 1 ? '' : 's'} (${sources}), the first at ${utc(first)}.`;
}

/** The longest stretch customers waited for news while the incident was unresolved. */
function longestSilence(incident: IncidentView): number {
  const end = incident.resolvedAt ?? incident.timeline[incident.timeline.length - 1]?.at ?? incident.declaredAt;
  const times = [incident.declaredAt, ...incident.statusUpdates.filter((update) => update.public && update.at <= end).map((update) => update.at), end];
  let longest = 0;
  for (let i = 1; i < times.length; i += 1) longest = Math.max(longest, between(times[i - 1], times[i]));
  return longest;
}

export function responseFacts(incident: IncidentView): { wentWell: string[]; didNotGoWell: string[] } {
  const wentWell: string[] = [];
  const didNot: string[] = [];
  const declared = incident.timeline.find((event) => event.type === 'declared');
  const firstSeverity = declared?.type === 'declared' ? declared.severity : incident.severity;
  const policy = severityPolicy(incident.policy, firstSeverity);
  const current = severityPolicy(incident.policy, incident.severity);

  const ackTarget = ms(policy?.acknowledgementTimeout);
  if (!incident.acknowledgedAt) didNot.push('The incident was never acknowledged.');
  else {
    const took = between(incident.declaredAt, incident.acknowledgedAt);
    const target = ackTarget ? `the ${firstSeverity} target of ${durationInWords(ackTarget)}` : 'no target in policy';
    (ackTarget === undefined || took <= ackTarget ? wentWell : didNot).push(`Acknowledged ${durationInWords(took)} after declaration (${target}).`);
  }
  const pages = (incident.pages ?? []).filter((page) => ['page', 'escalation', 'overflow'].includes(page.kind));
  if (pages.length > 1) didNot.push(`${pages.length} pages were sent before the response was under way; check the escalation path and whether the first page reached someone able to act.`);
  const failed = (incident.pages ?? []).filter((page) => page.outcome === 'failed').length;
  if (failed > 0) didNot.push(`${failed} notification${failed === 1 ? '' : 's'} could not be delivered.`);
  if (incident.timeline.some((event) => event.type === 'escalation-exhausted')) didNot.push('Escalation ran out: every level was paged and nobody acknowledged in time.');

  if ((incident.alerts ?? []).length > 0) wentWell.push(detectionFact(incident));
  else didNot.push(detectionFact(incident) + ' Monitoring did not detect it first.');
  if (incident.timeline.some((event) => event.type === 'monitor-recovered')) wentWell.push('Monitoring confirmed recovery on its own.');

  if (current?.publicStatusPage) {
    const published = incident.statusUpdates.filter((update) => update.public);
    const cadence = ms(current.statusUpdateCadence);
    if (published.length === 0) didNot.push(`No public status update was posted, although ${incident.severity} incidents belong on the status page.`);
    else {
      const firstAfter = between(incident.declaredAt, published[0].at);
      wentWell.push(`${published.length} public status update${published.length === 1 ? ' was' : 's were'} posted; the first ${durationInWords(firstAfter)} after declaration.`);
      const silence = longestSilence(incident);
      if (cadence !== undefined && silence > cadence) didNot.push(`Customers once waited ${durationInWords(silence)} for news; the ${incident.severity} cadence is every ${durationInWords(cadence)}.`);
      else if (cadence !== undefined) wentWell.push(`Public updates kept to the ${incident.severity} cadence of ${durationInWords(cadence)}.`);
    }
  }

  const required = current?.rolesRequired ?? [];
  const missing = required.filter((role) => !incident.roles[role]);
  if (missing.length > 0) didNot.push(`Required role${missing.length === 1 ? '' : 's'} never assigned: ${missing.join(', ')} (${incident.severity} requires ${required.join(', ')}).`);
  else if (required.length > 0) wentWell.push(`Every required role was filled: ${required.join(', ')}.`);
  const handoffs = incident.timeline.filter((event) => event.type === 'role-assigned' && event.previous).length;
  if (handoffs > 0) wentWell.push(`${handoffs} role handoff${handoffs === 1 ? ' was' : 's were'} made explicitly and recorded.`);

  for (const event of incident.timeline) {
    if (event.type === 'severity-changed') {
      const raised = incident.policy.severities.findIndex((s) => s.name === event.to) < incident.policy.severities.findIndex((s) => s.name === event.from);
      didNot.push(
        `Severity was ${raised ? 'raised' : 'lowered'} from ${event.from} to ${event.to} ${durationInWords(between(incident.declaredAt, event.at))} after declaration: the first triage ${raised ? 'underestimated' : 'overestimated'} the impact.`,
      );
    }
    if (event.type === 'team-reassigned') {
      didNot.push(
        `The incident was reassigned from team ${event.from ?? '(none)'} to ${event.to} ${durationInWords(between(incident.declaredAt, event.at))} after declaration: routing sent it to the wrong team first.`,
      );
    }
  }
  if (incident.resolvedAt) wentWell.push(`Resolved ${durationInWords(between(incident.declaredAt, incident.resolvedAt))} after declaration.`);
  return { wentWell, didNotGoWell: didNot };
}
