/**
 * /console: the responders' pages. Mounted before the bearer middleware because it authenticates by its
 * own session cookie (sign-in-routes.ts: the identity provider, or the admin token); every POST needs the
 * session's CSRF token.
 * Commands go through the same Incidents service as the API, so the workflow accepts or refuses them
 * the same way; refusals (409, 400, 404) come back as a readable message on the page, never a trace.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Command } from '../../../workflows/incident-state';
import { draftCustomerMessage } from '../../documents/customer-message';
import { closingReport } from '../../documents/closing-report';
import { draftPostmortem } from '../../documents/postmortem';
import { asHttpError, HttpError } from '../../api/errors';
import type { IncidentSummary, Incidents } from '../../../engine/incidents';
import type { Overrides } from '../../../engine/overrides';
import { withoutPathSecrets, type Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import type { Insight, FoundIncident } from '../../../store/insight';
import { queryValue } from '../../api/query';
import { html } from '../html';
import { sendHtml } from '../layout';
import { renderMarkdown } from '../markdown';
import { sameSecret } from '../../api/secrets';
import { refuseUnstorableText } from '../../api/text-guard';
import { SessionKeeper, type Session } from '../session';
import { mayAcceptHandoff } from '../../../usecases/permissions';
import { declarationFromForm, commandFromForm, filtersFromQuery, NOTICES, type ActionName } from './commands';
import { CONSOLE_SCRIPT, CONSOLE_SCRIPT_PATH } from './console-script';
import { attentionNeeded } from './due-next';
import { changeStream, incidentChanges } from './incident-events';
import { incidentPage } from './incident-page';
import { givenQuery, insightConsoleRoutes } from './insight-routes';
import { oncallConsoleRoutes } from './oncall-routes';
import { consolePage, errorPage, listPage } from './views';
import { signInRoutes } from './sign-in-routes';
import { MemorySessions, type SessionStore } from '../../../store/console-sessions';
import type { AuditTrail, Tokens } from '../../../store/access';
import type { OidcSettings } from '../oidc';
import type { SignInLinks } from '../../../store/sign-in-links';
import type { CliLogins } from '../../../store/cli-logins';
import { SignInThrottle } from '../throttle';
import { consoleAccessRoutes, isAdminSession, sessionPrincipal } from './access-routes';
import { tokenConsoleRoutes } from './tokens-routes';
import { consoleFormPermissions } from './form-permissions';
import { authorize } from '../../../usecases/permissions';
import type { UsedActionLinks } from '../../../store/action-links';
import { actionLinkRoutes } from './action-link-routes';
import type { Inbox } from '../../../store/inbox';
import { currentVersion, myPages, myPagesPage, personOf, waitingFor } from './my-pages';

export interface ConsoleDeps {
  incidents: Incidents;
  policies: PolicyStore;
  token: string;
  logger: Logger;
  /** The store's insight (reports, action items, search); absent in a process that does not hold the store. */
  insight?: Insight;
  /** On-call overrides through the engine; absent, the on-call pages answer 503. */
  overrides?: Overrides;
  /** Console sessions (the store's); absent, they are kept in this process's memory. */
  sessions?: SessionStore;
  audit?: AuditTrail;
  /** The identity provider that signs people in; absent, the admin token does. */
  oidc?: OidcSettings;
  /** One-time sign-in links and CLI logins (the store's). */
  signInLinks?: SignInLinks;
  cliLogins?: CliLogins;
  /** Personal tokens (the store's), issued and revoked at /console/tokens. */
  tokens?: Tokens;
  /** Verifies the signed action links in notifications, and the used ones (the store): /console/ack, /update, /accept-handoff. */
  linkSecret?: string;
  usedLinks?: UsedActionLinks;
  /** People's console inboxes (My pages); absent in a process that does not hold the store. */
  inbox?: Inbox;
}

const ID = /^[0-9a-z]{1,40}$/;
/** At most this many incidents of a list are read for their highlights: one page's worth is plenty. */
const ATTENTION_READS = 100;

export function consoleRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const sessions = new SessionKeeper(deps.token, deps.sessions ?? new MemorySessions());
  const secure = (req: Request) => req.secure;
  router.use(express.urlencoded({ extended: false, limit: '1mb' }));
  router.use(refuseUnstorableText);

  const documentContext = () => {
    const policy = deps.policies.current;
    return { services: policy.services, people: Object.values(policy.people).flatMap((person) => [person.id, person.name]) };
  };

  // The console's script is public code (no data in it), served before sign-in so it caches like the stylesheet.
  router.get(CONSOLE_SCRIPT_PATH.replace('/console', ''), (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=300').set('X-Content-Type-Options', 'nosniff').send(CONSOLE_SCRIPT);
  });

  // One brake on guessing for every way in: the admin token, the provider's callback, sign-in links.
  const throttle = new SignInThrottle();
  router.use(signInRoutes({ sessions, policies: deps.policies, logger: deps.logger, audit: deps.audit, oidc: deps.oidc, throttle }));
  const access = consoleAccessRoutes({ ...deps, sessions, throttle, oidc: Boolean(deps.oidc) });
  router.use(access.beforeSession);
  // A signed link (Acknowledge, Post an update, Accept handoff) is its own credential, for one action: no session.
  router.use(actionLinkRoutes({ incidents: deps.incidents, policies: deps.policies, logger: deps.logger, secret: deps.linkSecret, usedLinks: deps.usedLinks, audit: deps.audit }));

  // Everything below needs a session; every POST also its CSRF token.
  router.use(async (req, res, next) => {
    const session = await sessions.read(req);
    if (!session) return res.redirect(303, `/console/login?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/console')}`);
    if (req.method === 'POST' && !sameSecret((req.body as Record<string, string>)?._csrf, session.csrf)) {
      return sendHtml(res, 403, errorPage(session, 'Form refused', 'This form was not sent from your console session (missing or wrong CSRF token). Reload the page and try again.'));
    }
    res.locals.session = { ...session, admin: isAdminSession(deps.policies, session) };
    next();
  });
  const sessionOf = (res: Response) => res.locals.session as Session;
  router.use(consoleFormPermissions({ policies: deps.policies, audit: deps.audit, logger: deps.logger }));

  // Every page's header counts the incidents waiting for this person's acknowledgement. A count that cannot
  // be read (the engine or the store away) shows no badge rather than failing the page.
  router.use(async (req, res, next) => {
    const person = personOf(deps.policies.current, sessionOf(res).name);
    if (req.method !== 'GET' || req.path.endsWith('/events') || !person || !deps.inbox) return next();
    const waiting = await waitingFor(person, deps.incidents, deps.inbox).catch(() => undefined);
    if (waiting) res.locals.session = { ...sessionOf(res), waiting: waiting.size };
    next();
  });

  router.get('/mine/events', (req, res) => {
    const person = personOf(deps.policies.current, sessionOf(res).name);
    const inbox = deps.inbox;
    if (!person || !inbox) throw new HttpError(404, 'not_found', 'no inbox for this session');
    changeStream(res, {
      session: sessionOf(res),
      logger: deps.logger,
      about: { inbox: person },
      version: () => currentVersion(person, deps.incidents, inbox),
      signedIn: () => sessions.stillSignedIn(req),
    });
  });

  router.get('/mine', async (req, res) => {
    const person = personOf(deps.policies.current, sessionOf(res).name);
    const data = person && deps.inbox ? await myPages(person, deps.incidents, deps.inbox) : undefined;
    const done = typeof req.query.done === 'string' ? NOTICES[req.query.done as ActionName] : undefined;
    sendHtml(res, 200, myPagesPage(sessionOf(res), person, data, { notice: done }));
  });

  router.post('/logout', async (req, res) => {
    await sessions.end(req, res, secure(req));
    res.redirect(303, '/console/login');
  });

  router.get('/', async (req, res) => {
    const filters = filtersFromQuery(req.query);
    // A search reads the store (titles, summaries, updates of every incident, closed ones too); the list reads Temporal.
    let q: string | undefined;
    try {
      q = queryValue(givenQuery(req.query), 'q', 200)?.trim() || undefined;
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error) throw failure;
      const shown = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
      return sendHtml(res, 400, listPage(sessionOf(res), deps.policies.current, filters, [], { error: error.message }, { q: shown }));
    }
    if (q !== undefined) {
      if (!deps.insight) throw new HttpError(503, 'store_unavailable', 'Search needs the store, which this Marshal process does not hold.');
      const found: FoundIncident[] = await deps.insight.search(q, 100);
      return sendHtml(res, 200, listPage(sessionOf(res), deps.policies.current, filters, found as IncidentSummary[], {}, { q }));
    }
    const incidents = await deps.incidents.list(filters);
    sendHtml(res, 200, listPage(sessionOf(res), deps.policies.current, filters, incidents, {}, {}, await attentionOf(incidents)));
  });

  /**
   * Which listed incidents need someone (unacknowledged, an update or postmortem overdue). The list's
   * visibility records do not say, so each not-yet-closed incident is read; a read that fails flags nothing.
   */
  const attentionOf = async (incidents: IncidentSummary[]): Promise<Map<string, string[]>> => {
    const now = Date.now();
    const policy = deps.policies.current;
    const pending = incidents.filter((incident) => incident.status !== 'closed').slice(0, ATTENTION_READS);
    const flagged = await Promise.all(
      pending.map((incident) =>
        deps.incidents.get(incident.id).then(
          (view) => [incident.id, attentionNeeded(view, policy, now)] as const,
          () => [incident.id, []] as const,
        ),
      ),
    );
    return new Map(flagged.map(([id, flags]) => [id, [...flags]]));
  };

  router.use(access.withSession);
  router.use(tokenConsoleRoutes({ tokens: deps.tokens, audit: deps.audit, policies: deps.policies, logger: deps.logger }));
  router.use(insightConsoleRoutes(deps.insight, deps.policies));
  router.use(oncallConsoleRoutes(deps.overrides, deps.policies));

  router.post('/incidents', async (req, res) => {
    const policy = deps.policies.current;
    try {
      const { declaration, key } = declarationFromForm(req.body, policy, sessionOf(res).name);
      const { incident } = await deps.incidents.declare(declaration, deps.policies.incidentPolicy(), key);
      res.redirect(303, `/console/incidents/${incident.id}?done=declared`);
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error) throw failure;
      sendHtml(res, error.status, listPage(sessionOf(res), policy, { status: 'open' }, await deps.incidents.list({ status: 'open' }).catch(() => []), { error: error.message }));
    }
  });

  const show = async (req: Request, res: Response, status = 200, messages: { notice?: string; error?: string } = {}) => {
    const id = String(req.params.id);
    if (!ID.test(id)) throw new HttpError(404, 'not_found', `no incident ${id}`);
    const incident = await deps.incidents.get(id);
    const context = documentContext();
    const data = { incident, policy: deps.policies.current, draft: draftCustomerMessage(incident, context.services), postmortemDraft: draftPostmortem(incident, context) };
    sendHtml(res, status, incidentPage(sessionOf(res), data, messages));
  };

  router.get('/incidents/:id', async (req, res) => {
    const done = typeof req.query.done === 'string' ? NOTICES[req.query.done as ActionName] : undefined;
    await show(req, res, 200, { notice: done });
  });

  router.get('/incidents/:id/events', (req, res) => {
    const id = String(req.params.id);
    if (!ID.test(id)) throw new HttpError(404, 'not_found', `no incident ${id}`);
    incidentChanges(res, { id, session: sessionOf(res), incidents: deps.incidents, logger: deps.logger, signedIn: () => sessions.stillSignedIn(req) });
  });

  router.get('/incidents/:id/report', async (req, res) => {
    const id = String(req.params.id);
    if (!ID.test(id)) throw new HttpError(404, 'not_found', `no incident ${id}`);
    const incident = await deps.incidents.get(id);
    const report = closingReport(incident, documentContext());
    sendHtml(
      res,
      200,
      consolePage(
        sessionOf(res),
        `Report: ${incident.title}`,
        html`<p><a href="/console/incidents/${id}">← Back to the incident</a></p>
<h1>Closing report</h1><p class="muted">For stakeholders, from this incident's data. The Markdown below the report is for your wiki; also at <code>GET /api/v1/incidents/${id}/report</code>.</p>
${renderMarkdown(report)}
<details class="filter-box"><summary>The report as Markdown</summary><pre class="markdown">${report}</pre></details>`,
      ),
    );
  });

  router.post('/incidents/:id/*action', async (req, res) => {
    const id = String(req.params.id);
    const action = ([] as string[]).concat(req.params.action as unknown as string[]).join('/');
    try {
      if (!ID.test(id)) throw new HttpError(404, 'not_found', `no incident ${id}`);
      const { command, name } = commandFromForm(action, req.body, sessionOf(res).name);
      if (command.type === 'accept-handoff') {
        const verdict = mayAcceptHandoff(command.by, (await deps.incidents.get(id)).pendingHandoff);
        if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.reason);
      }
      if (command.type === 'post-status-update' && command.public) {
        const { roles } = await deps.incidents.get(id);
        const verdict = authorize(deps.policies.current, sessionPrincipal(sessionOf(res)), { kind: 'command', publish: { commander: roles.commander, communications: roles.communications } });
        if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.reason);
      }
      await deps.incidents.command(id, command as Command);
      // Acknowledged from My pages: back there, where the next page waiting may be.
      const fromMyPages = (req.body as Record<string, unknown>)?._back === 'mine';
      res.redirect(303, fromMyPages ? `/console/mine?done=${name}` : `/console/incidents/${id}?done=${name}`);
    } catch (failure) {
      // Unknown incidents and an absent engine get the error page; refusals are shown on the incident.
      const error = asHttpError(failure);
      if (!error || error.status === 404 || error.status === 503) throw failure;
      await show(req, res, error.status, { error: error.message });
    }
  });

  router.use((req, res) => {
    sendHtml(res, 404, errorPage(res.locals.session as Session | undefined, 'Not found', `There is no console page at ${req.originalUrl}.`));
  });

  // Errors become readable pages; unexpected ones are logged and never shown in detail.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const session = res.locals.session as Session | undefined;
    error = asHttpError(error) ?? error;
    if (error instanceof HttpError) {
      const title = error.status === 404 ? 'Not found' : error.status === 503 ? 'Temporarily unavailable' : 'Not done';
      if (error.status === 503) res.set('Retry-After', '5');
      return sendHtml(res, error.status, errorPage(session, title, error.message));
    }
    deps.logger.error({ err: error, method: req.method, path: withoutPathSecrets(req.originalUrl.split('?')[0]) }, 'console error');
    sendHtml(res, 500, errorPage(session, 'Something went wrong', 'Marshal hit an unexpected error; it has been logged. Try again, or use the API.'));
  });

  return router;
}
