/**
 * The intake endpoints, mounted before the admin bearer-token check because each integration has its
 * own authentication. Bodies are read raw (HMAC signs the exact bytes) and limited to PagerDuty's 512 KB.
 * Answers: 202 once durably accepted; 400 naming the problem; 401 with nothing recorded; 404 for an
 * unknown or disabled integration; 413 over the limit; 503 with Retry-After when Temporal is unreachable
 * or the integration is over its rate — never 4xx for a well-formed request, since Alertmanager drops those.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { textFaultError } from '../api/text-guard';
import { asHttpError, HttpError } from '../api/errors';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, authenticate } from './auth';
import { changeOf, type PagerDutyChangeEvent } from './changes';
import { fromEvents, fromGeneric, fromPrometheus, type IntakeKind, type Normalized } from './normalize';
import { checkShape, type IntakeSchemaName } from './schemas';
import { isGrafanaTestNotification } from './test-notification';
import type { Intake, ResolvedIntegration } from './service';

export const INTAKE_BODY_LIMIT_BYTES = 512 * 1024;

const SCHEMA: Record<IntakeKind, IntakeSchemaName> = {
  alertmanager: 'AlertmanagerWebhook',
  grafana: 'GrafanaWebhook',
  events: 'PagerDutyEvent',
  generic: 'GenericAlert',
};

/** An answer with the contract's error shape; for events also PagerDuty's `{status, message, errors}`. */
class IntakeRefusal extends HttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(status, code, message, field);
  }
}

const OUTCOME: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 404: 'unknown', 413: 'too_large', 503: 'unavailable' };

function send(res: Response, error: HttpError, pagerDutyStyle: boolean) {
  if (error.status === 503) res.set('Retry-After', String(error instanceof IntakeRefusal && error.retryAfterSeconds ? error.retryAfterSeconds : 5));
  if (error.status === 401) res.set('WWW-Authenticate', 'Bearer');
  const body: Record<string, unknown> = error.toJSON();
  if (pagerDutyStyle) {
    Object.assign(
      body,
      error.status === 400 || error.status === 413 ? { status: 'invalid event', message: 'Event object is invalid', errors: [error.message] } : { status: error.code, message: error.message },
    );
  }
  res.status(error.status).json(body);
}

function parseJson(body: Buffer): unknown {
  return storableText(parseJsonSyntax(body));
}

function storableText(parsed: unknown): unknown {
  const fault = textFaultError(parsed);
  if (fault) throw fault;
  return parsed;
}

function parseJsonSyntax(body: Buffer): unknown {
  if (body.length === 0) throw new IntakeRefusal(400, 'invalid_json', "the body is empty; send the sender's JSON payload");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new IntakeRefusal(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  return parsed;
}

function normalize(integration: ResolvedIntegration, parsed: unknown, raw: Buffer): Normalized {
  const problem = checkShape(SCHEMA[integration.kind], parsed);
  if (problem) throw new IntakeRefusal(400, 'invalid', `not a ${integration.kind} payload: ${problem.message}`, problem.field);
  switch (integration.kind) {
    case 'alertmanager':
    case 'grafana':
      return fromPrometheus(integration.kind, integration.name, parsed as Parameters<typeof fromPrometheus>[2]);
    case 'events':
      return fromEvents(integration.name, parsed as Parameters<typeof fromEvents>[1], raw);
    case 'generic': {
      const result = fromGeneric(integration.name, parsed as Parameters<typeof fromGeneric>[1]);
      if ('message' in result) throw new IntakeRefusal(400, 'invalid', result.message, result.field);
      return result;
    }
  }
}

export function intakeRouter(intake: Intake): express.Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: INTAKE_BODY_LIMIT_BYTES });
  const bodyOf = (req: Request) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
  const credentials = (req: Request, routingKey?: string) => ({
    authorization: req.get('Authorization'),
    signature: req.get(SIGNATURE_HEADER),
    timestamp: req.get(TIMESTAMP_HEADER),
    routingKey,
    header: (name: string) => req.get(name),
  });

  const named = (name: string, kind?: IntakeKind): ResolvedIntegration => {
    const found = intake.integration(name);
    if (!found || (kind && found.kind !== kind)) throw new IntakeRefusal(404, 'not_found', `no ${kind ?? ''} integration "${name}" in config/integrations.yaml`.replace('  ', ' '));
    if (found.config.enabled === false) throw new IntakeRefusal(404, 'not_found', `integration "${name}" is disabled in config/integrations.yaml`);
    return found;
  };

  const admit = (integration: ResolvedIntegration, req: Request, routingKey?: string) => {
    const auth = authenticate(integration.name, integration.config, credentials(req, routingKey), bodyOf(req), intake.env);
    if (!auth.ok) throw new IntakeRefusal(401, 'unauthorized', auth.reason);
  };

  const throttle = (integration: ResolvedIntegration) => {
    const taken = intake.limiter.take(integration.name, integration.config.rateLimit);
    if (!taken.ok) {
      intake.metrics.throttled.inc({ integration: integration.name });
      throw new IntakeRefusal(503, 'over_capacity', `integration ${integration.name} is over its configured rate; retry in ${taken.retryAfterSeconds}s`, undefined, taken.retryAfterSeconds);
    }
  };

  const webhook = (kind: Exclude<IntakeKind, 'events'>) => async (req: Request, res: Response) => {
    const name = typeof req.params.name === 'string' ? req.params.name : kind;
    const integration = named(name, kind);
    res.locals.integration = name;
    admit(integration, req);
    throttle(integration);
    const parsed = parseJson(bodyOf(req));
    const normalized = normalize(integration, parsed, bodyOf(req));
    if (kind === 'grafana' && isGrafanaTestNotification(parsed as Parameters<typeof isGrafanaTestNotification>[0])) {
      // The contact point's Test button: it authenticated and has the right shape; that is all it checks.
      intake.testDelivery(integration);
      res.status(200).json({ status: 'test', integration: name, message: 'Grafana test notification received: nothing was opened and nobody was paged' });
      return;
    }
    const accepted = await intake.accept(integration, normalized);
    intake.metrics.requests.inc({ integration: name, outcome: 'accepted' });
    res.status(202).json({ status: 'accepted', integration: name, alerts: accepted.alerts, heartbeats: accepted.pings, groups: accepted.groups });
  };

  /**
   * PagerDuty-style requests name their integration by routing_key (or its bearer token): find the events
   * integration that authenticates the request, then parse. Alert and change events share the credential.
   */
  const eventsIntegration = (req: Request, res: Response): { integration: ResolvedIntegration; parsed: unknown; body: Buffer } => {
    res.locals.pagerDutyStyle = true;
    const body = bodyOf(req);
    let parsed: unknown;
    let parseError: unknown;
    try {
      // Text faults (NUL, lone surrogates) are refused once the caller is known, naming the field.
      parsed = parseJsonSyntax(body);
    } catch (error) {
      parseError = error;
    }
    const routingKey = parsed !== null && typeof parsed === 'object' ? (parsed as { routing_key?: unknown }).routing_key : undefined;
    const candidates = intake.integrationsOfKind('events');
    const integration = candidates.find((candidate) => authenticate(candidate.name, candidate.config, credentials(req, typeof routingKey === 'string' ? routingKey : undefined), body, intake.env).ok);
    if (!integration) {
      // A malformed body from a caller we cannot identify is still "unauthenticated": nothing is recorded.
      if (candidates.length === 0) throw new IntakeRefusal(404, 'not_found', 'no events integration in config/integrations.yaml');
      throw new IntakeRefusal(401, 'unauthorized', typeof routingKey === 'string' ? 'unknown routing_key' : 'send the routing_key of an events integration, or its bearer token');
    }
    res.locals.integration = integration.name;
    if (parseError) throw parseError;
    throttle(integration);
    return { integration, parsed: storableText(parsed), body };
  };

  const events = async (req: Request, res: Response) => {
    const { integration, parsed, body } = eventsIntegration(req, res);
    const normalized = normalize(integration, parsed, body);
    await intake.accept(integration, normalized);
    intake.metrics.requests.inc({ integration: integration.name, outcome: 'accepted' });
    res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: normalized.dedupKey });
  };

  const changes = async (req: Request, res: Response) => {
    const { integration, parsed } = eventsIntegration(req, res);
    const problem = checkShape('PagerDutyChangeEvent', parsed);
    if (problem) throw new IntakeRefusal(400, 'invalid', `not a PagerDuty change event: ${problem.message}`, problem.field);
    const recorded = await intake.recordChange(integration, changeOf(integration.name, parsed as PagerDutyChangeEvent));
    intake.metrics.requests.inc({ integration: integration.name, outcome: 'accepted' });
    // PagerDuty answers 202 {status, message}; Marshal adds where the change was recorded.
    res.status(202).json({ status: 'success', message: 'Change event processed', ...(recorded.service ? { service: recorded.service } : {}), incidents: recorded.incidents });
  };

  router.post('/api/v1/webhooks/events', raw, events);
  router.post('/v2/enqueue', raw, events);
  router.post('/v2/change/enqueue', raw, changes);
  router.post('/api/v1/webhooks/events/change', raw, changes);
  for (const kind of ['alertmanager', 'grafana', 'generic'] as const) {
    router.post(`/api/v1/webhooks/${kind}`, raw, webhook(kind));
    router.post(`/api/v1/webhooks/${kind}/:name`, raw, webhook(kind));
  }
  router.post('/api/v1/heartbeats/:name', raw, async (req: Request, res: Response) => {
    const name = String(req.params.name);
    const integration = named(name);
    res.locals.integration = name;
    if (!integration.config.heartbeat) throw new IntakeRefusal(404, 'not_found', `integration "${name}" declares no heartbeat in config/integrations.yaml`);
    admit(integration, req);
    throttle(integration);
    await intake.ping(integration);
    intake.metrics.requests.inc({ integration: name, outcome: 'accepted' });
    res.status(202).json({ status: 'accepted', integration: name, heartbeat: integration.config.heartbeat.every });
  });

  // Express recognises an error handler by its four parameters; this one answers for intake routes only.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const type = (error as { type?: string }).type;
    let answer: HttpError | undefined =
      type === 'entity.too.large'
        ? new IntakeRefusal(413, 'too_large', `the body is larger than ${INTAKE_BODY_LIMIT_BYTES / 1024} KB (PagerDuty's limit); send fewer alerts per message`)
        : asHttpError(error);
    if (!answer) return next(error);
    const integration = String(res.locals.integration ?? req.params?.name ?? 'unknown');
    intake.metrics.requests.inc({ integration, outcome: answer.status === 503 && answer.code === 'over_capacity' ? 'throttled' : (OUTCOME[answer.status] ?? String(answer.status)) });
    send(res, answer, Boolean(res.locals.pagerDutyStyle) || req.path.startsWith('/v2/') || req.path.startsWith('/api/v1/webhooks/events'));
  });
  return router;
}
