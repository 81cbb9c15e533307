/**
 * The next customer message, drafted from the incident: which components are affected, how badly (from
 * the severity), and where the public story stands (the last public update). It changes whenever the
 * incident does — on declaration, and after each public status change — and the communications role
 * edits it and publishes it as a public status update. It is built only from public-safe facts: never the
 * internal title, summary, names, or internal updates.
 */
import { parseDuration } from '../../policy/duration';
import type { ServicePolicy } from '../../policy/types';
import { severityPolicy, type UpdateStatus } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';
import { affectedComponents, durationInWords, IMPACT_LABELS, impactOf, listInWords, UPDATE_LABELS, type Impact } from './plain-language';

export interface CustomerMessageDraft {
  incidentId: string;
  /** The status the next public update should carry. */
  status: UpdateStatus;
  statusLabel: string;
  message: string;
  /** The impact customers will read once this message is published. */
  impact: Impact;
  impactLabel: string;
  components: string[];
  severity: string;
  /** Whether this severity is shown on the public status page at all. */
  publicStatusPage: boolean;
  /** The last public update the draft follows on from, if any. */
  follows?: { seq: number; status: UpdateStatus; at: string };
  /** True when the public story is complete: the incident is resolved and customers were told. */
  complete: boolean;
}

const NEXT: Record<UpdateStatus, UpdateStatus> = { investigating: 'identified', identified: 'monitoring', monitoring: 'resolved', resolved: 'resolved' };

function nextUpdateIn(incident: IncidentView): string | undefined {
  const cadence = severityPolicy(incident.policy, incident.severity)?.statusUpdateCadence;
  if (!cadence) return undefined;
  try {
    return durationInWords(parseDuration(cadence));
  } catch {
    return undefined;
  }
}

/** The severity customers were last told about: the one in force when the last public update went out. */
function severityWhenTold(incident: IncidentView, toldAtSeq: number): string {
  const change = incident.timeline.find((event) => event.type === 'severity-changed' && event.seq > toldAtSeq);
  return change && change.type === 'severity-changed' ? change.from : incident.severity;
}

const RANK: Record<Impact, number> = { operational: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3 };

export function draftCustomerMessage(incident: IncidentView, services: Record<string, ServicePolicy>): CustomerMessageDraft {
  const publicUpdates = incident.statusUpdates.filter((update) => update.public);
  const last = publicUpdates[publicUpdates.length - 1];
  const severities = incident.policy.severities;
  // A severity change since customers were last told is news in itself: the draft says the impact changed
  // rather than moving the story on (a worse incident while "monitoring" means the fix did not hold).
  const before = last && !incident.resolvedAt ? impactOf(severityWhenTold(incident, last.seq), severities) : undefined;
  const change = before ? Math.sign(RANK[impactOf(incident.severity, severities)] - RANK[before]) : 0;
  const status: UpdateStatus = incident.resolvedAt ? 'resolved' : !last ? 'investigating' : change > 0 ? (last.status === 'monitoring' ? 'identified' : last.status) : NEXT[last.status];
  const components = affectedComponents(incident, services);
  const where = listInWords(components);
  // What the status page will show once this draft is published: the current severity at the drafted status.
  const impact = impactOf(incident.severity, severities, status === 'resolved' ? undefined : status);
  const problem = impact === 'major_outage' ? 'an outage' : impact === 'partial_outage' ? 'a partial outage' : 'degraded performance';
  const cadence = nextUpdateIn(incident);
  const promise = cadence ? ` We will post another update within ${cadence}.` : ' We will post another update soon.';

  const messages: Record<UpdateStatus, string> = {
    investigating: `We are investigating ${problem} affecting ${where}. Some customers may be unable to use ${where} or may see errors or slow responses.${promise}`,
    identified: `We have identified the cause of the ${problem.replace(/^an? /, '')} affecting ${where} and are working on a fix.${promise}`,
    monitoring: `A fix has been put in place for ${where} and we are monitoring the results to confirm that it is working.${promise}`,
    resolved: `This incident has been resolved and ${where} ${components.length > 1 ? 'are' : 'is'} operating normally. We are sorry for the disruption; we will look into what happened and how to prevent it.`,
  };
  const severity = severityPolicy(incident.policy, incident.severity);
  const news =
    change === 0 || status === 'investigating' || status === 'resolved'
      ? ''
      : `The impact has ${change > 0 ? 'grown' : 'eased'}: customers may now see ${problem === 'an outage' ? 'an outage of' : `${problem} on`} ${where}. `;
  return {
    incidentId: incident.id,
    status,
    statusLabel: UPDATE_LABELS[status],
    message: news + messages[status],
    impact: status === 'resolved' ? 'operational' : impact,
    impactLabel: IMPACT_LABELS[status === 'resolved' ? 'operational' : impact],
    components,
    severity: incident.severity,
    publicStatusPage: severity?.publicStatusPage ?? false,
    follows: last ? { seq: last.seq, status: last.status, at: last.at } : undefined,
    complete: Boolean(incident.resolvedAt && last?.status === 'resolved'),
  };
}
