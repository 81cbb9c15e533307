/**
 * PagerDuty change events (POST /v2/change/enqueue, what the PagerDuty clients' send_change_event calls):
 * deploys and config pushes. They never open an incident or page; they are recorded on the timeline of every
 * open incident of the service they concern, found the way a PagerDuty alert event is routed (routing rules over
 * the same view: custom_details and source as labels).
 */
import type { ChangeReport } from '../../workflows/incident-state';
import { alertContext } from './alert-context';

export interface PagerDutyChangeEvent {
  routing_key: string;
  payload: { summary: string; source?: string; timestamp?: string; custom_details?: Record<string, unknown> };
  links?: { href: string; text?: string }[];
}

/** custom_details as short strings: what routing reads as labels and the timeline shows as details. */
function detailsOf(details: Record<string, unknown> | undefined): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(details ?? {})) {
    if (value === null || value === undefined) continue;
    flat[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return flat;
}

/** The change as the timeline records it (bounded like an alert's context), and the view routing reads. */
export function changeOf(
  integration: string,
  body: PagerDutyChangeEvent,
): { report: Omit<ChangeReport, 'service'>; view: { source: 'events'; integration: string; labels: Record<string, string>; annotations: Record<string, string> } } {
  const { summary, source, timestamp } = body.payload;
  const details = alertContext(detailsOf(body.payload.custom_details));
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(details ?? {})) labels[name] = value;
  if (source) labels.source = source;
  const links = (body.links ?? []).slice(0, 5).map(({ href, text }) => ({ href, ...(text ? { text } : {}) }));
  const report = {
    integration,
    summary,
    ...(source ? { source } : {}),
    // Stored as UTC ISO so every reader shows it the same way (PagerDuty clients send +0000 offsets).
    ...(timestamp ? { occurredAt: new Date(timestamp).toISOString() } : {}),
    ...(links.length ? { links } : {}),
    ...(details ? { details } : {}),
  };
  return { report, view: { source: 'events', integration, labels, annotations: { summary } } };
}
