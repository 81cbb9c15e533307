/**
 * Words customers and stakeholders read: impact levels instead of severity names, components instead of
 * service ids, durations in minutes and hours. Shared by the status page, customer messages and reports.
 */
import type { ServicePolicy, SeverityPolicy } from '../../policy/types';
import type { UpdateStatus } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';

export const IMPACTS = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type Impact = (typeof IMPACTS)[number];

export const IMPACT_LABELS: Record<Impact, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const UPDATE_LABELS: Record<UpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const worse = (a: Impact, b: Impact): Impact => (IMPACTS.indexOf(a) >= IMPACTS.indexOf(b) ? a : b);

/**
 * Impact of an unresolved incident: the most severe level (first in policy) is a major outage, the next a
 * partial outage, anything lower degraded performance. Once a fix is in (monitoring), at most degraded.
 */
export function impactOf(severity: string, severities: SeverityPolicy[], latestStatus?: UpdateStatus): Impact {
  if (latestStatus === 'resolved') return 'operational';
  const rank = severities.findIndex((s) => s.name === severity);
  const impact: Impact = rank === 0 ? 'major_outage' : rank === 1 ? 'partial_outage' : 'degraded_performance';
  return latestStatus === 'monitoring' ? 'degraded_performance' : impact;
}

/** Customer-facing names of what an incident touches: its service's component, else a neutral phrase. */
export function affectedComponents(incident: Pick<IncidentView, 'service'>, services: Record<string, ServicePolicy>): string[] {
  const component = incident.service ? services[incident.service]?.component : undefined;
  return component ? [component] : [];
}

/** "Checkout", "Checkout and API", "Checkout, API and Website"; empty → "some of our services". */
export function listInWords(names: string[], empty = 'some of our services'): string {
  if (names.length === 0) return empty;
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** 0 → "less than a minute", 95 min → "1 hour 35 minutes", 3 days → "3 days 0 hours". */
export function durationInWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes === 0) return 'less than a minute';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}` : plural(hours, 'hour');
  return `${plural(Math.floor(hours / 24), 'day')} ${plural(hours % 24, 'hour')}`;
}

/** "2026-11-21 05:53 UTC": one unambiguous spelling for every document. */
export const utc = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
