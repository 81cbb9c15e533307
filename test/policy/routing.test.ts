import { describe, expect, it } from 'vitest';
import { routeAlert } from '../../policy/routing';
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
