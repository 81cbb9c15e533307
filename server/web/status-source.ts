/**
 * Where the status page's data comes from: Temporal visibility lists the incidents of the last 90 days at
 * each public severity, and a query reads each one. Only public projections are kept, and only for closed
 * incidents (they can no longer change), so a busy status page does not replay every old history.
 */
import type { Incidents, IncidentSummary } from '../../engine/incidents';
import type { PolicyStore } from '../runtime/policy-store';
import { buildStatus, HISTORY_DAYS, publicIncident, type PublicIncident, type PublicStatus } from './status-model';

const CONCURRENT_QUERIES = 8;
const CACHE_LIMIT = 2000;

export class StatusSource {
  private readonly closed = new Map<string, PublicIncident | null>();

  constructor(
    private readonly incidents: Incidents,
    private readonly policies: PolicyStore,
  ) {}

  async current(now = new Date()): Promise<PublicStatus> {
    const policy = this.policies.current;
    const since = now.getTime() - HISTORY_DAYS * 86_400_000;
    const publicSeverities = policy.severities.filter((severity) => severity.publicStatusPage).map((severity) => severity.name);
    const lists = await Promise.all(publicSeverities.map((severity) => this.incidents.list({ status: 'all', severity, limit: 1000 })));
    const candidates = lists.flat().filter((summary) => summary.status !== 'closed' || Date.parse(summary.declaredAt) >= since);
    const found = await this.project(candidates, policy.version);
    return buildStatus(found, policy.services, now.toISOString());
  }

  private async project(summaries: IncidentSummary[], version: string): Promise<PublicIncident[]> {
    const results: (PublicIncident | null)[] = [];
    const queue = [...summaries];
    const services = this.policies.current.services;
    const worker = async () => {
      for (let summary = queue.shift(); summary; summary = queue.shift()) {
        const key = `${version}:${summary.id}`;
        const cached = this.closed.get(key);
        if (cached !== undefined) {
          results.push(cached);
          continue;
        }
        // An incident may vanish or fail to answer between the list and the query; the page goes on without it.
        const state = await this.incidents.get(summary.id).catch(() => undefined);
        if (!state) continue;
        const projected = publicIncident(state, services) ?? null;
        if (state.status === 'closed') this.remember(key, projected);
        results.push(projected);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_QUERIES, summaries.length) }, worker));
    return results.filter((incident): incident is PublicIncident => incident !== null);
  }

  private remember(key: string, value: PublicIncident | null) {
    if (this.closed.size >= CACHE_LIMIT) this.closed.delete(this.closed.keys().next().value as string);
    this.closed.set(key, value);
  }
}
