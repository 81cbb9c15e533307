/**
 * The HTTP application: authentication, routes, metrics, and one error handler that turns every failure
 * into the contract's `{error: {code, message, field}}` without ever leaking a stack trace.
 */
import type { Client } from '@temporalio/client';
import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpError } from './http/errors';
import { sameSecret } from './http/secrets';
import { incidentRoutes } from './http/incident-routes';
import { oncallRoutes } from './http/oncall-routes';
import { policyRoutes } from './http/policy-routes';
import { openApiDocument } from './http/openapi';
import type { Incidents } from './incidents';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { Overrides } from './overrides';
import type { PolicyFollower } from './policy-follower';
import type { PolicyStore } from './policy-store';
import { intakeRouter } from './intake/routes';
import type { Intake } from './intake/service';
import { consoleRoutes } from './web/console/routes';
import { statusRoutes } from './web/status-routes';

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
}

/** Largest JSON body accepted; alert senders' bodies get their own limits. */
const BODY_LIMIT = '1mb';


export function createApp(deps: AppDeps): express.Express {
  const { logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  // Count and log every request under its route pattern, not its raw path, to keep label sets small.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.latency.observe({ route, method: req.method }, seconds);
      logger.info({ method: req.method, route, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  });

  // Alert intake reads raw bodies (HMAC signs the bytes) and authenticates per integration: before JSON and the admin token.
  if (deps.intake) app.use(intakeRouter(deps.intake));

  app.use(express.json({ limit: BODY_LIMIT }));

  app.get('/healthz', async (_req, res) => {
    try {
      await deps.client.connection.withDeadline(Date.now() + 2000, () => deps.client.connection.workflowService.getSystemInfo({}));
      res.json({ status: 'ok', temporal: 'reachable', policyVersion: deps.policies.current.version });
    } catch {
      res.status(503).json({ status: 'unavailable', temporal: 'unreachable', policyVersion: deps.policies.current.version });
    }
  });

  // The public status page, and the console, which authenticates by its own session cookie (server/web/).
  app.use(statusRoutes(deps.incidents, deps.policies));
  app.use('/console', consoleRoutes({ incidents: deps.incidents, policies: deps.policies, token: deps.token, logger }));

  // Everything below needs the bearer token.
  app.use((req, res, next) => {
    const header = req.get('Authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match || !sameSecret(match[1], deps.token)) {
      res.set('WWW-Authenticate', 'Bearer');
      return next(new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token>; the token is printed at start and saved in the data dir'));
    }
    res.locals.principal = 'admin';
    next();
  });

  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.use('/api/v1/incidents', incidentRoutes(deps.incidents, deps.policies, deps.metrics));
  app.use('/api/v1/policies', policyRoutes(deps.policies, deps.follower));
  app.use('/api/v1/oncall', oncallRoutes(deps.policies, deps.overrides));

  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'no such route; see /openapi.json')));

  // Express recognises an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = toHttpError(error);
    if (!known) logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    const answer = known ?? new HttpError(500, 'internal', 'Marshal hit an unexpected error; it has been logged');
    if (answer.status === 503) res.set('Retry-After', '5');
    res.status(answer.status).json(answer.toJSON());
  });

  return app;
}

/** Errors from body parsing carry a `type`; ours are HttpErrors; anything else is a bug (500). */
function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  // A path with broken percent-encoding (e.g. /incidents/%E0%A4%A) cannot name anything.
  if (error instanceof URIError) return new HttpError(400, 'invalid', 'the URL path is not valid percent-encoded UTF-8');
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') return new HttpError(413, 'too_large', `the body is larger than ${BODY_LIMIT}`);
  if (type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new HttpError(415, 'unsupported', (error as Error).message);
  return undefined;
}
