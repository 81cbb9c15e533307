/**
 * Alert intake as the server does it: find the integration in policy, route each alert (labels and
 * fields → service → owning team and severity), group alerts by the integration's grouping rule, and
 * hand each group's alerts to its `alert-group-<hash>` workflow with signal-with-start. The answer is
 * 2xx only once every signal is durably accepted; the group workflow does ordering, dedup and opening
 * incidents. No state here beyond rate-limit buckets.
 */
import { parseDuration } from '../../policy/duration';
import { routeAlert } from '../../policy/routing';
import { resolveDeclaration } from '../../usecases/declaration';
import type { IntakeIntegration, Policy } from '../../policy/types';
import type { HeartbeatPing } from '../../workflows/alert-group-contract';
import type { AlertBatch } from '../../workflows/alert-group-rules';
import type { Logger } from '../runtime/log';
import type { PolicyStore } from '../runtime/policy-store';
import type { CallOptions } from '../../engine/calls';
import { alertGroupWorkflowId, type AlertGroups } from '../../engine/alert-groups';
import type { Incidents } from '../../engine/incidents';
import type { changeOf } from './changes';
import type { IntakeMetrics } from './metrics';
import type { IntakeKind, Normalized, NormalizedAlert } from './normalize';
import { RateLimiter } from './rate-limit';

export const INTAKE_KINDS: readonly IntakeKind[] = ['alertmanager', 'grafana', 'events', 'generic'];

export interface ResolvedIntegration {
  name: string;
  kind: IntakeKind;
  config: IntakeIntegration;
}

export interface Accepted {
  alerts: number;
  groups: string[];
  pings: number;
}

/** Reads a dotted path; a bare name means a label (`service` → labels.service). */
function fieldOf(view: object, path: string): string | undefined {
  let value: unknown = view;
  for (const key of (path.includes('.') ? path : `labels.${path}`).split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined || value === null || typeof value === 'object' ? undefined : String(value);
}

/** The group an alert belongs to, in words: the configured grouping rule, else the sender's group, else the alert alone. */
export function groupOf(integration: IntakeIntegration, alert: NormalizedAlert): string {
  if (integration.groupBy) return integration.groupBy.map((path) => `${path}=${fieldOf(alert.view, path) ?? ''}`).join(', ');
  if (alert.senderGroup !== undefined) return `group=${alert.senderGroup}`;
  return `key=${alert.incoming.observation.key}`;
}

/** What an incident opened by this alert is declared as, under the given policy. */
export function declarationFor(
  policy: Policy,
  name: string,
  integration: IntakeIntegration,
  alert: Pick<NormalizedAlert, 'view' | 'title' | 'description'>,
  overrides: { service?: string; team?: string; severity?: string } = {},
) {
  const route = routeAlert(policy, alert.view);
  const known = policy.severities.map((severity) => severity.name);
  const pick = (...candidates: (string | undefined)[]) => candidates.find((candidate) => candidate !== undefined && known.includes(candidate));
  const severity = pick(overrides.severity, route.severity, integration.defaultSeverity) ?? known[known.length - 1];
  const service = overrides.service ?? route.service;
  // A service named by the integration brings its owner (the resolver's rule); otherwise routing decided.
  const team = overrides.team ?? (overrides.service !== undefined ? undefined : route.team);
  const unrouted = overrides.team === undefined && overrides.service === undefined && route.unrouted;
  const notes = [
    alert.description,
    unrouted ? `No routing rule matched this alert; it went to the default team${route.team ? ` ${route.team}` : ''}. Reassign it if another team owns it.` : undefined,
    route.matchedRules.length ? `Routed by: ${route.matchedRules.join(', ')}.` : undefined,
  ].filter((note): note is string => Boolean(note));
  const request = { title: alert.title, severity, service, team, ...(notes.length ? { summary: notes.join('\n\n') } : {}), reporter: name };
  // Intake never drops an alert: a name the policy no longer knows falls back to what routing decided.
  const resolved = resolveDeclaration(policy, request);
  const fallback = resolveDeclaration(policy, { ...request, service: undefined, team: route.team });
  const declaration = resolved.ok
    ? resolved.declaration
    : fallback.ok
      ? fallback.declaration
      : { title: request.title, severity, reporter: name, ...(request.summary ? { summary: request.summary } : {}) };
  return { declaration, unrouted };
}

export class Intake {
  readonly limiter = new RateLimiter();

  constructor(
    private readonly groups: AlertGroups,
    private readonly incidents: Pick<Incidents, 'recordChange'>,
    private readonly policies: PolicyStore,
    readonly metrics: IntakeMetrics,
    private readonly logger: Logger,
    readonly env: NodeJS.ProcessEnv = process.env,
    /** How intake calls the engine: giving up at once when the engine watch finds it down. */
    private readonly call: CallOptions = {},
  ) {}

  /** The integration by name under the current policy, with its kind made explicit. */
  integration(name: string): ResolvedIntegration | undefined {
    const config = this.policies.current.integrations?.intake?.[name];
    if (!config) return undefined;
    const kind = config.kind ?? (INTAKE_KINDS.includes(name as IntakeKind) ? (name as IntakeKind) : undefined);
    return kind ? { name, kind, config } : undefined;
  }

  integrationsOfKind(kind: IntakeKind): ResolvedIntegration[] {
    return Object.keys(this.policies.current.integrations?.intake ?? {})
      .map((name) => this.integration(name))
      .filter((found): found is ResolvedIntegration => found !== undefined && found.kind === kind && found.config.enabled !== false);
  }

  /**
   * Hand a delivery's alerts to their groups. Resolves once Temporal has durably accepted every signal;
   * throws EngineUnavailableError when it cannot (the sender retries, and a retry only adds a delivery count).
   */
  async accept(integration: ResolvedIntegration, normalized: Normalized): Promise<Accepted> {
    const policy = this.policies.current;
    const receivedAt = new Date().toISOString();
    const { name, config } = integration;
    const heartbeatName = config.heartbeat?.alertname;
    let pings = 0;
    const groups = new Map<string, NormalizedAlert[]>();
    for (const alert of normalized.alerts) {
      if (heartbeatName && alert.view.labels.alertname === heartbeatName) {
        if (alert.incoming.action === 'trigger') pings += 1;
        continue;
      }
      const group = groupOf(config, alert);
      groups.set(group, [...(groups.get(group) ?? []), alert]);
    }
    const batches = [...groups.entries()].map(([group, alerts], index) => {
      const leader = alerts.find((alert) => alert.incoming.action === 'trigger') ?? alerts[0];
      const { declaration, unrouted } = declarationFor(policy, name, config, leader);
      const batch: AlertBatch = {
        alerts: alerts.map((alert) => alert.incoming),
        declaration,
        policy: this.policies.incidentPolicy(),
        ...(unrouted ? { unrouted } : {}),
        receivedAt,
        // The count belongs to the message, not to each group: carried once.
        ...(index === 0 && normalized.truncatedAlerts ? { truncatedAlerts: normalized.truncatedAlerts } : {}),
      };
      return { group, batch };
    });
    const heartbeats = pings > 0 ? this.heartbeatPings(integration, 'ping') : [];
    await this.groups.deliver(
      batches.map(({ group, batch }) => ({ integration: name, group, batch })),
      heartbeats,
      this.call,
    );
    if (normalized.truncatedAlerts)
      this.logger.warn({ integration: name, truncatedAlerts: normalized.truncatedAlerts }, 'the sender truncated its alert group; missing alerts are not treated as resolved');
    this.metrics.alerts.inc(
      { integration: name },
      batches.reduce((sum, { batch }) => sum + batch.alerts.length, 0),
    );
    if (pings > 0) this.metrics.heartbeats.inc({ integration: name }, pings);
    return { alerts: batches.reduce((sum, { batch }) => sum + batch.alerts.length, 0), groups: batches.map(({ group }) => alertGroupWorkflowId(name, group)), pings };
  }

  /** A sender's test notification (Grafana's Test button): logged and counted, nothing opened or paged. */
  testDelivery(integration: ResolvedIntegration): void {
    this.metrics.tests.inc({ integration: integration.name });
    this.metrics.requests.inc({ integration: integration.name, outcome: 'test' });
    this.logger.info({ integration: integration.name, kind: integration.kind }, 'test notification received: no incident opened, nobody paged');
  }

  /**
   * A change (deploy, config push) recorded on every open incident of the service routing finds for it.
   * Resolves once each signal is durably accepted; throws EngineUnavailableError when Temporal is unreachable.
   * Nothing to record on is logged and counted.
   */
  async recordChange(integration: ResolvedIntegration, change: ReturnType<typeof changeOf>): Promise<{ service?: string; incidents: string[] }> {
    const { name } = integration;
    const service = routeAlert(this.policies.current, change.view).service;
    if (!service) {
      this.metrics.changes.inc({ integration: name, outcome: 'no_service' });
      this.logger.info({ integration: name, summary: change.report.summary }, 'change event names no known service (no routing rule placed it); recorded nowhere');
      return { incidents: [] };
    }
    const incidents = await this.incidents.recordChange(service, change.report, this.call);
    this.metrics.changes.inc({ integration: name, outcome: incidents.length ? 'recorded' : 'no_open_incident' });
    this.logger.info(
      { integration: name, service, incidents, summary: change.report.summary },
      incidents.length ? 'change recorded on open incidents' : 'change event for a service with no open incident',
    );
    return { service, incidents };
  }

  /** A heartbeat ping (or, at start, an arm): the integration's `alert-heartbeat-<name>` workflow resets its timer. */
  async ping(integration: ResolvedIntegration): Promise<void> {
    await this.groups.deliver([], this.heartbeatPings(integration, 'ping'), this.call);
    this.metrics.heartbeats.inc({ integration: integration.name });
  }

  /** The ping for an integration that promises heartbeats (none for one that does not). */
  private heartbeatPings(integration: ResolvedIntegration, kind: HeartbeatPing['kind']): { integration: string; ping: HeartbeatPing }[] {
    const heartbeat = integration.config.heartbeat;
    if (!heartbeat) return [];
    const policy = this.policies.current;
    const alert = {
      view: { source: integration.kind, integration: integration.name, labels: { alertname: 'MissedHeartbeat', integration: integration.name }, annotations: {} },
      title: `Missed heartbeat from ${integration.name}`,
      description: `${integration.name} promised a heartbeat every ${heartbeat.every} and missed it: its alerts may not be reaching Marshal.`,
    };
    const { declaration, unrouted } = declarationFor(policy, integration.name, integration.config, alert, heartbeat);
    return [{ integration: integration.name, ping: { kind, everyMs: parseDuration(heartbeat.every), declaration, policy: this.policies.incidentPolicy(), ...(unrouted ? { unrouted } : {}) } }];
  }

  /** At start: every integration that promises heartbeats is watched from now, even if it never pings. */
  async armHeartbeats(): Promise<number> {
    const watched = INTAKE_KINDS.flatMap((kind) => this.integrationsOfKind(kind)).filter((integration) => integration.config.heartbeat);
    await this.groups.deliver(
      [],
      watched.flatMap((integration) => this.heartbeatPings(integration, 'arm')),
    );
    return watched.length;
  }
}
