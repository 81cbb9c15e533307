/**
 * Incident metrics for teams that graph in Grafana: pages, deliveries by channel and outcome, time to
 * acknowledge, escalations past the first level and exhausted chains (counted as the store folds each
 * event, so once per event however often it is archived), and open incidents by severity and team (read
 * from the store at each scrape).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Observation } from '../../store/projection';

export interface OpenIncidentCount {
  severity: string;
  team: string;
  count: number;
}

export function createIncidentMetrics(registry: Registry, openIncidents: () => Promise<OpenIncidentCount[]>) {
  const pages = new Counter({ name: 'marshal_pages_total', help: 'Pages sent (first pages, escalations, overflow, reroutes), by team.', labelNames: ['team'] as const, registers: [registry] });
  const deliveries = new Counter({
    name: 'marshal_notification_deliveries_total',
    help: 'Notifications (pages, reminders, notices) by the channel that took them and the outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const acknowledge = new Histogram({
    name: 'marshal_acknowledge_seconds',
    help: 'Time from declaration to acknowledgement, by severity and team.',
    labelNames: ['severity', 'team'] as const,
    buckets: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200],
    registers: [registry],
  });
  const escalations = new Counter({ name: 'marshal_escalations_total', help: 'Escalations past the first level, by team and level.', labelNames: ['team', 'level'] as const, registers: [registry] });
  const exhausted = new Counter({
    name: 'marshal_escalations_exhausted_total',
    help: 'Escalation chains that ran out with nobody acknowledging, by team.',
    labelNames: ['team'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'marshal_open_incidents',
    help: 'Incidents not yet resolved, by severity and team (from the store).',
    labelNames: ['severity', 'team'] as const,
    registers: [registry],
    async collect() {
      // A store that cannot answer leaves the gauge empty rather than failing the whole scrape.
      const counts = await openIncidents().catch(() => []);
      this.reset();
      for (const { severity, team, count } of counts) this.set({ severity, team }, count);
    },
  });
  return {
    observe(observations: Observation[]): void {
      for (const seen of observations) {
        const team = ('team' in seen && seen.team) || 'none';
        if (seen.kind === 'page') pages.inc({ team });
        else if (seen.kind === 'delivery') deliveries.inc({ channel: seen.channel, outcome: seen.outcome });
        else if (seen.kind === 'acknowledged') acknowledge.observe({ severity: seen.severity, team }, seen.seconds);
        else if (seen.kind === 'escalation') escalations.inc({ team, level: String(seen.level) });
        else exhausted.inc({ team });
      }
    },
  };
}
