/** /api/v1/incidents: declare, list, read, and every lifecycle command, each a thin call into Temporal. */
import { Router, type Request } from 'express';
import { PHASES, type Command } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';
import type { Incidents, ListFilters } from '../../engine/incidents';
import type { Metrics } from '../runtime/metrics';
import type { PolicyStore } from '../runtime/policy-store';
import { closingReport } from '../documents/closing-report';
import { draftCustomerMessage } from '../documents/customer-message';
import { draftPostmortem } from '../documents/postmortem';
import { HttpError, refusalError } from './errors';
import { resolveDeclaration } from '../../usecases/declaration';
import { validateBody, type SchemaName } from './schemas';
import { queryChoice, queryValue, queryWholeNumber } from './query';
import { actorFrom, requirePermission } from './auth';
import { mayAcceptHandoff } from '../../usecases/permissions';
import type { Insight } from '../../store/insight';

const INCIDENT_ID = /^[0-9a-z]{1,40}$/;
const LIST_STATUSES = ['open', 'resolved', 'closed', 'all'] as const;

/** The caller (server/api/auth.ts): a body `by` naming someone else is refused unless the caller may act for others. */
const actor = (req: Request): string => actorFrom(req.res!, req.body?.by);

function incidentId(req: Request): string {
  const id = String(req.params.id);
  if (!INCIDENT_ID.test(id)) throw new HttpError(404, 'not_found', `no incident ${id}`);
  return id;
}

function listFilters(query: Request['query']): ListFilters {
  return {
    status: queryChoice(query, 'status', LIST_STATUSES),
    phase: queryChoice(query, 'phase', PHASES),
    team: queryValue(query, 'team'),
    severity: queryValue(query, 'severity'),
    service: queryValue(query, 'service'),
    limit: queryValue(query, 'limit') === undefined ? undefined : queryWholeNumber(query, 'limit', 100, 1, 1000),
  };
}

/** An edit of title, summary or impact start: at least one of them (the schema bounds each). */
export function detailsEdit(body: { title?: string; summary?: string; impactStartedAt?: string }, by: string): Command {
  const { title, summary, impactStartedAt } = body;
  if (title === undefined && summary === undefined && impactStartedAt === undefined)
    throw new HttpError(400, 'invalid', 'send "title", "summary" or "impactStartedAt": there is nothing to edit', 'title');
  return { type: 'edit-details', by, ...(title !== undefined ? { title } : {}), ...(summary !== undefined ? { summary } : {}), ...(impactStartedAt !== undefined ? { impactStartedAt } : {}) };
}

/** A response holds the latest of what grows without bound; GET …/timeline pages through all of it. */
export const RESPONSE_KEEPS = { timeline: 1000, statusUpdates: 200, pages: 500 } as const;
export function latestOf(incident: IncidentView): IncidentView {
  return {
    ...incident,
    timeline: incident.timeline.slice(-RESPONSE_KEEPS.timeline),
    statusUpdates: incident.statusUpdates.slice(-RESPONSE_KEEPS.statusUpdates),
    pages: incident.pages.slice(-RESPONSE_KEEPS.pages),
  };
}

/** What the documents need of policy: services (for components) and people (so quoted notes stay blameless). */
const documentContext = (policies: PolicyStore) => ({
  services: policies.current.services,
  people: Object.values(policies.current.people).flatMap((person) => [person.id, person.name]),
});

export function incidentRoutes(incidents: Incidents, policies: PolicyStore, metrics: Metrics, insight?: Insight): Router {
  const router = Router();

  router.post('/', validateBody('Declaration'), async (req, res) => {
    const { title, severity, service, team, summary, reporter } = req.body;
    const resolved = resolveDeclaration(policies.current, { title, severity, service, team, summary, reporter: actorFrom(res, reporter, 'reporter') });
    if (!resolved.ok) throw refusalError(resolved.refusal);
    const key = req.get('Idempotency-Key');
    if (key !== undefined && (key.length === 0 || key.length > 200)) throw new HttpError(400, 'invalid', 'Idempotency-Key must be 1 to 200 characters', 'Idempotency-Key');
    const { created, incident } = await incidents.declare(resolved.declaration, policies.incidentPolicy(), key);
    if (created) metrics.declared.inc({ severity });
    res.status(created ? 201 : 200).json(latestOf(incident));
  });

  router.get('/', async (req, res) => {
    // Full-text search reads the store (titles, summaries, updates); the other filters read Temporal's visibility.
    const q = queryValue(req.query, 'q', 200);
    if (q !== undefined) {
      if (!insight) throw new HttpError(503, 'store_unavailable', 'search needs the store, which this process does not hold');
      return void res.json({ incidents: await insight.search(q, queryWholeNumber(req.query, 'limit', 100, 1, 1000)) });
    }
    res.json({ incidents: await incidents.list(listFilters(req.query)) });
  });

  router.get('/:id', async (req, res) => {
    res.json(latestOf(await incidents.get(incidentId(req))));
  });

  // The whole timeline, page by page: ?after=<seq>&limit=<n> (at most 1000), oldest first.
  router.get('/:id/timeline', async (req, res) => {
    const after = queryWholeNumber(req.query, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = queryWholeNumber(req.query, 'limit', 500, 1, 1000);
    const { events, total } = await incidents.timeline(incidentId(req), after, limit);
    const next = events.length === limit ? events[events.length - 1].seq : undefined;
    res.json({ events, total, ...(next !== undefined ? { next: `/api/v1/incidents/${req.params.id}/timeline?after=${next}&limit=${limit}` } : {}) });
  });

  /** A lifecycle command: validate the body, then let the workflow accept or refuse it. */
  const command = (path: string, schema: SchemaName, toCommand: (req: Request) => Command, status = 200) =>
    router.post(path, validateBody(schema), async (req, res) => {
      const id = incidentId(req);
      const next = toCommand(req);
      // Publishing to the status page takes the incident's commander or communications role (or comms/admin).
      if (next.type === 'post-status-update' && next.public) {
        const { roles } = await incidents.get(id);
        requirePermission(policies, res, { kind: 'command', publish: { commander: roles.commander, communications: roles.communications } });
      }
      if (next.type === 'accept-handoff') {
        const verdict = mayAcceptHandoff(next.by, (await incidents.get(id)).pendingHandoff);
        if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.reason);
      }
      res.status(status).json(latestOf(await incidents.command(id, next)));
    });

  command('/:id/acknowledge', 'Acknowledge', (req) => ({ type: 'acknowledge', by: actor(req) }));
  command('/:id/updates', 'StatusUpdate', (req) => ({ type: 'post-status-update', by: actor(req), status: req.body.status, message: req.body.message, public: req.body.public }));
  command('/:id/severity', 'SeverityChange', (req) => ({ type: 'change-severity', by: actor(req), severity: req.body.severity, reason: req.body.reason, responderNeeded: req.body.responderNeeded }));
  command('/:id/roles', 'RoleAssignment', (req) => ({ type: 'assign-role', by: actor(req), role: req.body.role, person: req.body.person, ...(req.body.notes ? { notes: req.body.notes } : {}) }));
  command('/:id/handoff/accept', 'HandoffAcceptance', (req) => ({ type: 'accept-handoff', by: actor(req) }));
  command('/:id/details', 'DetailsEdit', (req) => detailsEdit(req.body, actor(req)));
  command('/:id/team', 'TeamReassignment', (req) => ({ type: 'reassign-team', by: actor(req), team: req.body.team, reason: req.body.reason }));
  command('/:id/resolve', 'Resolution', (req) => ({ type: 'resolve', by: actor(req), summary: req.body.summary }));
  command('/:id/action-items/:itemId/complete', 'ActionItemCompletion', (req) => ({ type: 'complete-action-item', by: actor(req), itemId: String(req.params.itemId) }));
  command('/:id/action-items/:itemId/waive', 'ActionItemWaiver', (req) => ({ type: 'waive-action-item', by: actor(req), itemId: String(req.params.itemId), reason: req.body.reason }));
  command('/:id/postmortem', 'PostmortemPublication', (req) => ({ type: 'publish-postmortem', by: actor(req), markdown: req.body.markdown }));

  router.post('/:id/action-items', validateBody('ActionItem'), async (req, res) => {
    const incident = await incidents.command(incidentId(req), { type: 'add-action-item', by: actor(req), title: req.body.title, owner: req.body.owner, dueAt: req.body.dueAt });
    const item = incident.actionItems[incident.actionItems.length - 1];
    res.status(201).json({ id: item.id, actionItem: item, incident: latestOf(incident) });
  });

  router.get('/:id/postmortem', async (req, res) => {
    const incident = await incidents.get(incidentId(req));
    res.json({ draft: draftPostmortem(incident, documentContext(policies)), published: incident.postmortem ?? null });
  });

  // The next customer message, drafted from the incident; publish it (edited) as a public status update.
  router.get('/:id/communications/draft', async (req, res) => {
    res.json(draftCustomerMessage(await incidents.get(incidentId(req)), policies.current.services));
  });

  // The closing report for stakeholders, as Markdown.
  router.get('/:id/report', async (req, res) => {
    res.json({ markdown: closingReport(await incidents.get(incidentId(req)), documentContext(policies)) });
  });

  return router;
}
