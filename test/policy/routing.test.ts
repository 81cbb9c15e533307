import { describe, expect, it } from 'vitest';
import { routeAlert } from '../../policy/routing';
import { declarationFor } from '../../server/intake/service';
import { fromEvents } from '../../server/intake/normalize';
import { examplePolicy } from './helpers';

const policy = examplePolicy();

describe('routeAlert', () => {
  it('routes by label to a service and its owning team, with severity from a later rule', () => {
    expect(routeAlert(policy, { labels: { service: 'checkout', severity: 'critical' } })).toEqual({
      service: 'checkout-api',
      team: 'payments',
      severity: 'SEV2',
      matchedRules: ['checkout alerts', 'critical means SEV2 until a person raises it'],
      unrouted: false,
    });
  });

  it('matches regular expressions and several fields at once', () => {
    expect(routeAlert(policy, { labels: { alertname: 'PostgresReplicationLag' } })).toMatchObject({ service: 'postgres-primary', team: 'platform' });
    expect(routeAlert(policy, { source: 'grafana', labels: { app: 'web-cart' } })).toMatchObject({ service: 'web-frontend', team: 'web' });
    expect(routeAlert(policy, { source: 'alertmanager', labels: { app: 'web-cart' } }).service).toBeUndefined();
  });

  it('sends an alert nothing matches to the default team', () => {
    expect(routeAlert(policy, { labels: { foo: 'bar' } })).toEqual({ team: 'platform', matchedRules: [], unrouted: true });
  });
});

describe('PagerDuty Events v2 severities under the shipped routing rules', () => {
  // The view intake builds for a PagerDuty trigger (server/intake/normalize.ts), with only the severity varied.
  const severityOf = (severity: string) => {
    const body = { routing_key: 'k', event_action: 'trigger' as const, dedup_key: 'd', payload: { summary: 's', source: 'host-1', severity } };
    const [alert] = fromEvents('events', body, Buffer.from(JSON.stringify(body))).alerts;
    return declarationFor(policy, 'events', { enabled: true }, alert).declaration.severity;
  };
  const rank = (name: string) => policy.severities.findIndex((severity) => severity.name === name);

  it('keeps critical ≥ error > warning > info (error used to fall below warning)', () => {
    const [critical, error, warning, info] = ['critical', 'error', 'warning', 'info'].map((name) => rank(severityOf(name)));
    expect(critical).toBeLessThanOrEqual(error);
    expect(error).toBeLessThan(warning);
    expect(warning).toBeLessThan(info);
    expect([critical, error, warning, info].map((index) => policy.severities[index].name)).toEqual(['SEV2', 'SEV2', 'SEV3', 'SEV4']);
  });
});
