/**
 * Each sender's payload → Marshal's alerts. An alert's identity is what the sender says it is: the
 * fingerprint for Alertmanager and Grafana (never the summary: distinct alerts may share one), the
 * routing key + dedup key for PagerDuty-style events, `key` for the generic shape. Each alert also
 * gets a routing view — `{source, labels, annotations, …}` — that policy routing rules and grouping
 * rules read by dotted path (labels.service, annotations.summary, source).
 */
import { createHash } from 'node:crypto';
import type { IncomingAlert } from '../../workflows/alert-group-rules';
import { alertContext, linksContext } from './alert-context';
import type { ShapeProblem } from './schemas';

export type IntakeKind = 'alertmanager' | 'grafana' | 'events' | 'generic';

export interface NormalizedAlert {
  incoming: IncomingAlert;
  /** What routing and grouping rules read. */
  view: { source: IntakeKind; integration: string; labels: Record<string, string>; annotations: Record<string, string>; [field: string]: unknown };
  title: string;
  description?: string;
  /** The sender's own grouping (Alertmanager/Grafana groupKey), the default group. */
  senderGroup?: string;
}

export interface Normalized {
  alerts: NormalizedAlert[];
  truncatedAlerts?: number;
  /** Events only: the dedup key to answer with (generated for a trigger without one). */
  dedupKey?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Alertmanager's zero time for "not ended yet". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Labels sorted into a stable string: the fingerprint of an alert whose sender did not give one. */
export function labelsFingerprint(labels: Record<string, string>): string {
  return sha256(
    JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((name) => [name, labels[name]]),
    ),
  ).slice(0, 16);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function titleOf(labels: Record<string, string>, annotations: Record<string, string>): { title: string; summary: string } {
  const name = labels.alertname;
  const summary = annotations.summary || annotations.title || annotations.description || name || 'Alert';
  const title = name && summary !== name ? `${name}: ${summary}` : summary;
  return { title: clip(title, 200), summary: clip(summary, 1024) };
}

interface PrometheusAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint?: string;
  dashboardURL?: string;
  panelURL?: string;
  silenceURL?: string;
  valueString?: string;
}

interface PrometheusMessage {
  groupKey: string;
  truncatedAlerts?: number;
  externalURL?: string;
  alerts: PrometheusAlert[];
}

/** Alertmanager (version 4) and Grafana (version 1) share the message shape. */
export function fromPrometheus(kind: 'alertmanager' | 'grafana', integration: string, body: PrometheusMessage): Normalized {
  const alerts = body.alerts.map((alert): NormalizedAlert => {
    const annotations = alert.annotations ?? {};
    const { title, summary } = titleOf(alert.labels, annotations);
    const key = alert.fingerprint ?? labelsFingerprint(alert.labels);
    const url = alert.panelURL || alert.dashboardURL || alert.generatorURL || undefined;
    const { generatorURL, dashboardURL, panelURL, silenceURL } = alert;
    const context = alertContext(annotations, { generatorURL, dashboardURL, panelURL, silenceURL });
    return {
      incoming: {
        observation: {
          source: integration,
          key,
          status: alert.status,
          summary,
          labels: alert.labels,
          ...(context ? { annotations: context } : {}),
          startsAt: alert.startsAt,
          ...(url ? { url } : {}),
        },
        action: alert.status === 'resolved' ? 'resolve' : 'trigger',
        occurredAt: alert.startsAt,
      },
      view: {
        source: kind,
        integration,
        labels: alert.labels,
        annotations,
        status: alert.status,
        fingerprint: key,
        ...(alert.endsAt && alert.endsAt !== ZERO_TIME ? { endsAt: alert.endsAt } : {}),
      },
      title,
      description: annotations.description,
      senderGroup: body.groupKey,
    };
  });
  return { alerts, truncatedAlerts: body.truncatedAlerts };
}

interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: {
    summary: string;
    source: string;
    severity: string;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: unknown;
  };
  client?: string;
  client_url?: string;
  links?: { href: string; text?: string }[];
}

/**
 * PagerDuty Events API v2. The identity is routing key + dedup key; the routing key is a secret, so only
 * its hash prefix enters the key. A trigger without a dedup key gets one derived from the request body,
 * so a client's retry of the same request lands on the same alert.
 */
export function fromEvents(integration: string, body: PagerDutyEvent, raw: Buffer): Normalized {
  const dedupKey = body.dedup_key ?? sha256(`${body.routing_key}\n${raw.toString('utf8')}`).slice(0, 32);
  const payload = body.payload;
  const labels: Record<string, string> = {};
  const details = payload?.custom_details;
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    for (const [name, value] of Object.entries(details)) {
      if (['string', 'number', 'boolean'].includes(typeof value)) labels[name] = String(value);
    }
  }
  for (const name of ['severity', 'source', 'component', 'group', 'class'] as const) {
    const value = payload?.[name];
    if (typeof value === 'string' && value) labels[name] = value;
  }
  const summary = payload?.summary ?? '';
  const url = body.links?.[0]?.href ?? body.client_url;
  // Acknowledge and resolve carry no payload: no context, so the alert keeps what its trigger said.
  const context = payload ? alertContext({ summary }, linksContext(body.links), { client_url: body.client_url }) : undefined;
  const incoming: IncomingAlert = {
    observation: {
      source: integration,
      key: `${sha256(body.routing_key).slice(0, 8)}/${dedupKey}`,
      status: body.event_action === 'resolve' ? 'resolved' : 'firing',
      summary,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(context ? { annotations: context } : {}),
      ...(payload?.timestamp ? { startsAt: payload.timestamp } : {}),
      ...(url ? { url } : {}),
    },
    action: body.event_action,
    ...(payload?.timestamp ? { occurredAt: payload.timestamp } : {}),
  };
  const view = { source: 'events' as const, integration, labels, annotations: { summary }, dedup_key: dedupKey, payload, client: body.client };
  return { alerts: [{ incoming, view, title: clip(summary || dedupKey, 200), description: undefined }], dedupKey };
}

interface GenericAlert {
  key: string;
  status: string;
  title: string;
  description?: string;
  severity?: string;
  service?: string;
  source?: string;
  labels?: Record<string, string>;
  url?: string;
  startsAt?: string;
}

const FIRING = new Set(['firing', 'triggered', 're-triggered', 'renotify', 'warn', 're-warn', 'no data']);
const RESOLVED = new Set(['resolved', 'recovered']);

export function fromGeneric(integration: string, body: GenericAlert): Normalized | ShapeProblem {
  const status = body.status.trim().toLowerCase();
  if (!FIRING.has(status) && !RESOLVED.has(status)) {
    return { field: 'status', message: `status "${body.status}" is neither firing nor resolved (nor a Datadog transition such as Triggered or Recovered)` };
  }
  const resolved = RESOLVED.has(status);
  const labels: Record<string, string> = { ...(body.labels ?? {}) };
  if (body.severity) labels.severity ??= body.severity;
  if (body.service) labels.service ??= body.service;
  if (body.source) labels.sender ??= body.source;
  const summary = clip(body.title, 1024);
  const context = alertContext({ summary, description: body.description, url: body.url });
  const incoming: IncomingAlert = {
    observation: {
      source: integration,
      key: body.key,
      status: resolved ? 'resolved' : 'firing',
      summary,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(context ? { annotations: context } : {}),
      ...(body.startsAt ? { startsAt: body.startsAt } : {}),
      ...(body.url ? { url: body.url } : {}),
    },
    action: resolved ? 'resolve' : 'trigger',
    ...(body.startsAt ? { occurredAt: body.startsAt } : {}),
  };
  const view = { source: 'generic' as const, integration, labels, annotations: { summary, ...(body.description ? { description: body.description } : {}) }, key: body.key };
  return { alerts: [{ incoming, view, title: clip(body.title, 200), description: body.description }] };
}
