/** Intake's Prometheus counters, on the service's one registry (server/runtime/metrics.ts). */
import { Counter, type Registry } from 'prom-client';

export function createIntakeMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'marshal_intake_requests_total',
      help: 'Alert intake requests by integration and outcome (accepted, unauthorized, invalid, too_large, throttled, unavailable).',
      labelNames: ['integration', 'outcome'] as const,
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'marshal_intake_alerts_total',
      help: 'Alerts durably accepted, by integration.',
      labelNames: ['integration'] as const,
      registers: [registry],
    }),
    throttled: new Counter({
      name: 'marshal_intake_throttled_total',
      help: 'Requests refused with 503 because the integration exceeded its configured rate.',
      labelNames: ['integration'] as const,
      registers: [registry],
    }),
    changes: new Counter({
      name: 'marshal_intake_changes_total',
      help: 'Change events (deploys, config pushes) by integration and outcome (recorded on open incidents, no open incident, no service).',
      labelNames: ['integration', 'outcome'] as const,
      registers: [registry],
    }),
    tests: new Counter({
      name: 'marshal_intake_test_deliveries_total',
      help: "Senders' test notifications (Grafana's contact point Test button), answered without opening an incident or paging.",
      labelNames: ['integration'] as const,
      registers: [registry],
    }),
    heartbeats: new Counter({
      name: 'marshal_intake_heartbeats_total',
      help: 'Heartbeat pings received, by integration.',
      labelNames: ['integration'] as const,
      registers: [registry],
    }),
  };
}

export type IntakeMetrics = ReturnType<typeof createIntakeMetrics>;
