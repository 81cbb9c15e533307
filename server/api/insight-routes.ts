/**
 * Insight across incidents, from the store: /api/v1/analytics/<report> (JSON, or one table as CSV) and
 * /api/v1/action-items. Filters are the same for every report: team, severity, service, person and a
 * time window (incidents declared in [from, to); the last 12 weeks by default).
 */
import { Router, type Request } from 'express';
import { REPORTS, type AnalyticsFilters, type ReportName } from '../../store/analytics';
import type { Insight } from '../../store/insight';
import type { PolicyStore } from '../runtime/policy-store';
import { toCsv } from './csv';
import { HttpError } from './errors';
import { queryChoice, queryInstant, queryValue, queryWholeNumber } from './query';

const WEEK_MS = 7 * 24 * 3600 * 1000;
const DEFAULT_WINDOW_WEEKS = 12;

export function analyticsFilters(query: Request['query'], policies: PolicyStore, now = new Date()): AnalyticsFilters {
  const to = queryInstant(query, 'to') ?? now.toISOString();
  const from = queryInstant(query, 'from') ?? new Date(Date.parse(to) - DEFAULT_WINDOW_WEEKS * WEEK_MS).toISOString();
  if (Date.parse(from) >= Date.parse(to)) throw new HttpError(400, 'invalid', '"from" must be before "to"', 'from');
  return {
    team: queryValue(query, 'team'),
    severity: queryValue(query, 'severity'),
    service: queryValue(query, 'service'),
    person: queryValue(query, 'person'),
    from,
    to,
    severityOrder: policies.current.severities.map((severity) => severity.name),
    now: now.toISOString(),
  };
}

export function insightRoutes(insight: Insight, policies: PolicyStore): Router {
  const router = Router();

  router.get('/analytics', (_req, res) => {
    res.json({ reports: REPORTS.map((name) => ({ name, href: `/api/v1/analytics/${name}` })) });
  });

  router.get('/analytics/:report', async (req, res) => {
    const name = String(req.params.report);
    if (!(REPORTS as readonly string[]).includes(name)) throw new HttpError(404, 'not_found', `no report "${name}"; reports: ${REPORTS.join(', ')}`);
    const filters = analyticsFilters(req.query, policies);
    const format = queryChoice(req.query, 'format', ['json', 'csv'] as const) ?? 'json';
    const tables = await insight.report(name as ReportName, filters);
    if (format === 'json') return void res.json({ report: name, filters: { ...filters, severityOrder: undefined, now: undefined }, tables });
    const tableName = queryValue(req.query, 'table') ?? Object.keys(tables)[0];
    const table = tables[tableName];
    if (!table) throw new HttpError(400, 'invalid', `"table" must be one of ${Object.keys(tables).join(', ')}`, 'table');
    res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}-${tableName}.csv"`).send(toCsv(table));
  });

  router.get('/action-items', async (req, res) => {
    const overdue = queryChoice(req.query, 'overdue', ['true', 'false'] as const);
    const items = await insight.actionItems({
      owner: queryValue(req.query, 'owner'),
      team: queryValue(req.query, 'team'),
      state: queryChoice(req.query, 'state', ['open', 'completed', 'waived', 'all'] as const),
      overdue: overdue === 'true',
      limit: queryWholeNumber(req.query, 'limit', 200, 1, 1000),
      now: new Date().toISOString(),
    });
    res.json({ actionItems: items });
  });

  return router;
}
