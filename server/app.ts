/**
 * The HTTP application: authentication, routes, metrics, and one error handler that turns every failure
 * into the contract's `{error: {code, message, field}}` without ever leaking a stack trace.
 */
import type { Client } from '@temporalio/client';
import express, { type NextFunction, type Request, type Response } from 'express';
import { asHttpError, HttpError } from './api/errors';
import { refuseUnstorableText } from './api/text-guard';
import { incidentRoutes } from './api/incident-routes';
import { oncallRoutes } from './api/oncall-routes';
import { policyRoutes } from './api/policy-routes';
import { openApiDocument } from './api/openapi';
import type { Incidents } from '../engine/incidents';
import { withoutPathSecrets, type Logger } from './runtime/log';
import type { Metrics } from './runtime/metrics';
import type { Overrides } from '../engine/overrides';
import type { PolicyFollower } from './runtime/policy-follower';
import type { ChannelHealthView } from './runtime/channel-health';
import type { Inbox } from '../store/inbox';
import type { PolicyStore } from './runtime/policy-store';
import type { WorkerHealth } from './runtime/worker-supervisor';
import type { TrustProxy } from './runtime/listen';
import type { Insight } from '../store/insight';
import type { RebuildReport } from '../store/rebuild';
import type { AuditTrail, Tokens } from '../store/access';
import { authenticate, authorizeRoute } from './api/auth';
import { accessRoutes } from './api/access-routes';
import { insightRoutes } from './api/insight-routes';
import { intakeRouter } from './intake/routes';
import type { Intake } from './intake/service';
import { consoleRoutes } from './web/console/routes';
import { statusRoutes } from './web/status-routes';
import type { SessionStore } from '../store/console-sessions';
import type { SignInLinks } from '../store/sign-in-links';
import type { CliLogins } from '../store/cli-logins';
import { cliLoginRoutes } from './api/cli-login-routes';
import { signInLinkRoutes } from './api/sign-in-link-routes';
import type { OidcSettings } from './web/oidc';
import type { UsedActionLinks } from '../store/action-links';

export interface AppDeps {
  client: Client;
  incidents: Incidents;
  policies: PolicyStore;
  follower: PolicyFollower;
  overrides: Overrides;
  metrics: Metrics;
  logger: Logger;
  /** The admin bearer token. */
  token: string;
  /** Alert intake (server/intake/); its routes authenticate per integration. */
  intake?: Intake;
  /** The state of this process's worker; `none` where a separate worker process serves the queue. */
  workerHealth?: () => WorkerHealth;
  /** Who can be paged on what (server/runtime/channel-health.ts); shown in /healthz, never making it fail. */
  channels?: () => ChannelHealthView | undefined;
  /** People's console inboxes (My pages), where this process holds the store. */
  inbox?: Inbox;
  /** Whose X-Forwarded-For/-Proto to believe; by default nobody's, so req.ip is the socket's address. */
  trustProxy?: TrustProxy;
  /** Analytics, action items and search across incidents (the store's projection). */
  insight?: Insight;
  /** Fill the store from Temporal and fold the projection again (admin). */
  rebuildProjection?: () => Promise<RebuildReport>;
  /** Personal and service tokens, and the audit trail (the store). */
  tokens?: Tokens;
  audit?: AuditTrail;
  /** Console sessions (the store's); absent, kept in memory. */
  consoleSessions?: SessionStore;
  /** The identity provider for console sign-in (MARSHAL_OIDC_*). */
  oidc?: OidcSettings;
  /** One-time console sign-in links an admin issues (the store's). */
  signInLinks?: SignInLinks;
  /** `marshal login` handshakes (the store's). */
  cliLogins?: CliLogins;
  /** The secret that signs Acknowledge links in pages, and the links already used (the store). */
  linkSecret?: string;
  usedLinks?: UsedActionLinks;
}

/** Largest JSON body accepted; alert senders' bodies get their own limits. */
const BODY_LIMIT = '1mb';

export function createApp(deps: AppDeps): express.Express {
  const { logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  // A client can send any X-Forwarded-For; believing it by default would let it choose its own address.
  app.set('trust proxy', deps.trustProxy ?? false);

  // Count and log every request under its route pattern, not its raw path, to keep label sets small.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.latency.observe({ route, method: req.method }, seconds);
      logger.info({ method: req.method, route, path: withoutPathSecrets(req.originalUrl.split('?')[0]), status: res.statusCode, ms: Math.round(seconds * 1000), client: req.ip }, 'request');
    });
    next();
  });

  // Alert intake reads raw bodies (HMAC signs the bytes) and authenticates per integration: before JSON and the admin token.
  if (deps.intake) app.use(intakeRouter(deps.intake));

  app.use(express.json({ limit: BODY_LIMIT }));
  // The console runs the same guard inside its router, so a refusal there is a readable page, not JSON.
  const isConsole = (path: string) => path === '/console' || path.startsWith('/console/');
  app.use((req, res, next) => (isConsole(req.path) ? next() : refuseUnstorableText(req, res, next)));

  // Healthy means paging works: the engine answers and this process's worker (if it runs one) is running.
  app.get('/healthz', async (_req, res) => {
    const worker = deps.workerHealth?.() ?? 'none';
    const temporal = await deps.client.connection
      .withDeadline(Date.now() + 2000, () => deps.client.connection.workflowService.getSystemInfo({}))
      .then(
        () => 'reachable' as const,
        () => 'unreachable' as const,
      );
    const healthy = temporal === 'reachable' && (worker === 'running' || worker === 'none');
    // People no channel reaches are reported, not made a failure: the process itself is fine and a load
    // balancer taking it out would page nobody at all.
    const channels = deps.channels?.();
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', temporal, worker, policyVersion: deps.policies.current.version, ...(channels ? { channels } : {}) });
  });

  // The public status page, and the console, which authenticates by its own session cookie (server/web/).
  app.use(statusRoutes(deps.incidents, deps.policies));
  app.use(
    '/console',
    consoleRoutes({
      incidents: deps.incidents,
      policies: deps.policies,
      token: deps.token,
      logger,
      insight: deps.insight,
      overrides: deps.overrides,
      sessions: deps.consoleSessions,
      audit: deps.audit,
      oidc: deps.oidc,
      signInLinks: deps.signInLinks,
      cliLogins: deps.cliLogins,
      tokens: deps.tokens,
      linkSecret: deps.linkSecret,
      usedLinks: deps.usedLinks,
      inbox: deps.inbox,
    }),
  );

  const access = { adminToken: deps.token, policies: deps.policies, tokens: deps.tokens, audit: deps.audit, logger };
  // `marshal login` has no credential yet: its two routes come before the bearer check (and are throttled).
  if (deps.cliLogins && deps.tokens) app.use('/api/v1', cliLoginRoutes(deps.cliLogins, deps.tokens, access));

  // Everything below needs a bearer token, and permission for what it asks (server/api/auth.ts).
  app.use(authenticate(access));
  app.use(authorizeRoute(access));

  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.use('/api/v1/incidents', incidentRoutes(deps.incidents, deps.policies, deps.metrics, deps.insight));
  if (deps.insight) app.use('/api/v1', insightRoutes(deps.insight, deps.policies));
  const rebuild = deps.rebuildProjection;
  if (rebuild) app.post('/api/v1/projection/rebuild', async (_req, res) => void res.json(await rebuild()));
  if (deps.tokens && deps.audit) app.use('/api/v1', accessRoutes(deps.tokens, deps.audit, deps.policies));
  if (deps.signInLinks) app.use('/api/v1', signInLinkRoutes(deps.signInLinks, { ...access, oidc: Boolean(deps.oidc) }));
  app.use('/api/v1/policies', policyRoutes(deps.policies, deps.follower));
  app.use('/api/v1/oncall', oncallRoutes(deps.policies, deps.overrides));

  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'no such route; see /openapi.json')));

  // Express recognises an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = asHttpError(error);
    if (!known) logger.error({ err: error, method: req.method, path: withoutPathSecrets(req.originalUrl.split('?')[0]) }, 'unhandled error');
    const answer = known ?? new HttpError(500, 'internal', 'Marshal hit an unexpected error; it has been logged');
    // Overload clears in a second or so; an absent engine or store takes longer to come back.
    if (answer.status === 503) res.set('Retry-After', answer.code === 'overloaded' ? '1' : '5');
    res.status(answer.status).json(answer.toJSON());
  });

  return app;
}
