/**
 * The console's view of the store's insight: /console/insights (reports with charts), one table as CSV at
 * /console/insights/<report>.csv (the API's CSV needs the bearer token; this serves it under the session),
 * and /console/action-items. Filters are read by the API's own functions, so a value the API refuses is
 * refused here too, with the same words, as a 400 page that keeps the form.
 */
import { Router, type Request, type Response } from 'express';
import { REPORTS, type AnalyticsFilters, type Report, type ReportName } from '../../../store/analytics';
import type { Insight } from '../../../store/insight';
import { toCsv } from '../../api/csv';
import { asHttpError, HttpError } from '../../api/errors';
import { analyticsFilters } from '../../api/insight-routes';
import { queryChoice, queryValue } from '../../api/query';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import type { Session } from '../session';
import { actionItemsPage, type ActionItemForm } from './action-items-page';
import { insightsPage, type FilterForm } from './insight-page';

const FILTER_NAMES = ['team', 'severity', 'service', 'person', 'from', 'to'] as const;

/**
 * The query as the API would see it from a careful client: a form sends every field, empty ones as "",
 * which means "any" here, not "a value that is empty". Everything else is left for the API's checks.
 */
export function givenQuery(query: Request['query']): Request['query'] {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

/** A date picked as "to" counts the whole day: the form says inclusive, the API's window ends before `to`. */
function inclusiveTo(query: Request['query']): Request['query'] {
  const to = query.to;
  if (typeof to !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return query;
  const next = Date.parse(`${to}T00:00:00Z`) + 86400_000;
  return Number.isNaN(next) ? query : { ...query, to: new Date(next).toISOString() };
}

function filtersOf(req: Request, policies: PolicyStore): AnalyticsFilters {
  return analyticsFilters(inclusiveTo(givenQuery(req.query)), policies);
}

/** The form's values to show again: only plain strings, cut short, so a hostile query cannot bloat the page. */
function echo(query: Request['query']): FilterForm {
  return Object.fromEntries(FILTER_NAMES.flatMap((name) => (typeof query[name] === 'string' && query[name] ? [[name, (query[name] as string).slice(0, 100)]] : [])));
}

export function insightConsoleRoutes(insight: Insight | undefined, policies: PolicyStore): Router {
  const router = Router();
  const session = (res: Response) => res.locals.session as Session;
  const store = (): Insight => {
    if (!insight) throw new HttpError(503, 'store_unavailable', 'Insight needs the store, which this Marshal process does not hold. Open the console of the process that runs the store.');
    return insight;
  };

  router.get('/insights', async (req, res) => {
    const form = echo(req.query);
    let filters: AnalyticsFilters;
    try {
      filters = filtersOf(req, policies);
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error || error.status !== 400) throw failure;
      return sendHtml(res, 400, insightsPage(session(res), policies.current, form, undefined, error.message));
    }
    const source = store();
    const reports: [ReportName, Report][] = [];
    // One report at a time: they share the store's connection, and five at once only queue there.
    for (const name of REPORTS) reports.push([name, await source.report(name, filters)]);
    sendHtml(res, 200, insightsPage(session(res), policies.current, form, { filters, reports }));
  });

  router.get('/insights/:report.csv', async (req, res) => {
    const name = String(req.params.report);
    if (!(REPORTS as readonly string[]).includes(name)) throw new HttpError(404, 'not_found', `There is no report "${name}". Reports: ${REPORTS.join(', ')}.`);
    const filters = filtersOf(req, policies);
    const tables = await store().report(name as ReportName, filters);
    const tableName = queryValue(givenQuery(req.query), 'table') ?? Object.keys(tables)[0];
    const table = tables[tableName];
    if (!table) throw new HttpError(400, 'invalid', `"table" must be one of ${Object.keys(tables).join(', ')}`, 'table');
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${name}-${tableName}.csv"`)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'no-store')
      .send(toCsv(table));
  });

  router.get('/action-items', async (req, res) => {
    const query = givenQuery(req.query);
    const form: ActionItemForm = {
      owner: typeof query.owner === 'string' ? query.owner.slice(0, 100) : undefined,
      team: typeof query.team === 'string' ? query.team.slice(0, 100) : undefined,
      state: typeof query.state === 'string' ? query.state.slice(0, 20) : undefined,
      overdue: query.overdue === 'true',
    };
    let filters;
    try {
      filters = {
        owner: queryValue(query, 'owner'),
        team: queryValue(query, 'team'),
        state: queryChoice(query, 'state', ['open', 'completed', 'waived', 'all'] as const),
        overdue: queryChoice(query, 'overdue', ['true', 'false'] as const) === 'true',
      };
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error || error.status !== 400) throw failure;
      return sendHtml(res, 400, actionItemsPage(session(res), policies.current, form, undefined, error.message));
    }
    const items = await store().actionItems({ ...filters, limit: 500, now: new Date().toISOString() });
    sendHtml(res, 200, actionItemsPage(session(res), policies.current, form, items));
  });

  return router;
}
