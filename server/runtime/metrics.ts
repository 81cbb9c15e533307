/** Prometheus metrics (prom-client): requests by route and status, latency, incidents declared by severity. */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'marshal_' });
  return {
    registry,
    requests: new Counter({
      name: 'marshal_http_requests_total',
      help: 'HTTP requests by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'marshal_http_request_duration_seconds',
      help: 'HTTP request latency by route and method.',
      labelNames: ['route', 'method'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    declared: new Counter({
      name: 'marshal_incidents_declared_total',
      help: 'Incidents declared, by severity.',
      labelNames: ['severity'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
