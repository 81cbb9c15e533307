/**
 * Who is calling, and whether they may: the bearer token names a principal (the admin token, a person's
 * token or a service token from the store); the route names an action; usecases/permissions.ts decides.
 * Every authenticated write and every refusal lands in the audit trail.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AuditEntry, AuditTrail, Tokens } from '../../store/access';
import { actorOf, authorize, principalName, type Action, type Principal, type Scope } from '../../usecases/permissions';
import type { PolicyStore } from '../runtime/policy-store';
import type { Logger } from '../runtime/log';
import { HttpError } from './errors';
import { sameSecret } from './secrets';

export interface AccessDeps {
  adminToken: string;
  policies: PolicyStore;
  tokens?: Tokens;
  audit?: AuditTrail;
  logger: Logger;
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;

/** Write to the audit trail without holding up or failing the request: the store may be briefly away. */
export function recordAudit(deps: { audit?: AuditTrail; logger: Logger }, entry: AuditEntry): void {
  void deps.audit?.append(entry).catch((error: unknown) => deps.logger.warn({ err: error, action: entry.action }, 'could not write the audit trail'));
}

/** The audit entry of an API request, as its authenticated caller. */
export function audit(
  deps: AccessDeps,
  req: Request,
  res: Response | undefined,
  entry: { action: string; outcome: 'allowed' | 'denied' | 'failed' | 'done'; status?: number; actor?: string; detail?: Record<string, unknown> },
) {
  const principal = res?.locals.principal as Principal | undefined;
  recordAudit(deps, {
    actor: entry.actor ?? (principal ? principalName(principal) : 'anonymous'),
    principal: principal ? `${principal.kind}${principal.kind === 'admin-token' ? '' : `:${principal.kind === 'person' ? principal.person : principal.name}`}` : 'none',
    action: entry.action,
    target: req.originalUrl.slice(0, 500),
    outcome: entry.outcome,
    status: entry.status,
    tokenId: principal && principal.kind !== 'admin-token' ? principal.tokenId : undefined,
    remote: req.ip,
    detail: entry.detail,
  });
}

/** The bearer token → res.locals.principal, or 401 (audited). */
export function authenticate(deps: AccessDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer (.+)$/.exec(req.get('Authorization') ?? '');
    const secret = match?.[1];
    let principal: Principal | undefined;
    if (secret && sameSecret(secret, deps.adminToken)) principal = { kind: 'admin-token' };
    else if (secret && deps.tokens) {
      const token = await deps.tokens.verify(secret);
      if (token?.kind === 'person' && token.person) principal = { kind: 'person', person: token.person, tokenId: token.id };
      if (token?.kind === 'service' && token.service) principal = { kind: 'service', name: token.service, scopes: token.scopes as Scope[], tokenId: token.id };
    }
    if (!principal) {
      if (secret) audit(deps, req, undefined, { action: 'sign-in', outcome: 'failed', status: 401 });
      res.set('WWW-Authenticate', 'Bearer');
      return next(new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token>: the admin token (printed at first start, saved in the data dir) or a personal token'));
    }
    res.locals.principal = principal;
    // Every write is audited with how it ended.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.on('finish', () =>
        audit(deps, req, res, {
          action: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
          outcome: res.statusCode < 400 ? 'done' : res.statusCode === 403 ? 'denied' : 'failed',
          status: res.statusCode,
        }),
      );
    }
    next();
  };
}

/** What a request asks to do, by its route; finer checks (publishing, a team's overrides) happen in the route. */
function actionOf(req: Request): Action {
  // Express matches routes whatever the case (GET /API/V1/AUDIT reaches the audit route), so the path is
  // read as the router reads it; otherwise changing its case would pass an admin route off as a view.
  const path = req.path.toLowerCase();
  if (path.startsWith('/api/v1/audit') || path.startsWith('/api/v1/projection') || path.startsWith('/api/v1/policies/reload') || path.startsWith('/api/v1/sign-in-links'))
    return { kind: 'admin', what: path.split('/').slice(3, 5).join(' ') };
  if (req.method === 'GET' || req.method === 'HEAD' || path.startsWith('/api/v1/tokens')) return { kind: 'view' };
  if (path === '/api/v1/incidents' || path === '/api/v1/incidents/') return { kind: 'declare' };
  const override = /^\/api\/v1\/oncall\/([^/]+)\/overrides/.exec(path);
  if (override) return { kind: 'override', team: decodeURIComponent(override[1]) };
  return { kind: 'command' };
}

/** Refuse (403, audited) what the caller's permissions do not allow. */
export function authorizeRoute(deps: AccessDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    let action: Action;
    try {
      action = actionOf(req);
    } catch {
      return next(new HttpError(400, 'invalid', 'the URL path is not valid percent-encoded UTF-8'));
    }
    const verdict = authorize(deps.policies.current, principalOf(res), action);
    if (!verdict.ok) return next(new HttpError(403, 'forbidden', verdict.reason));
    next();
  };
}

/** A finer check inside a route (e.g. publishing on this incident). */
export function requirePermission(policies: PolicyStore, res: Response, action: Action): void {
  const verdict = authorize(policies.current, principalOf(res), action);
  if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.reason);
}

/** The actor of this request: the caller, or (admin token, act-as service tokens) the person `field` names. */
export function actorFrom(res: Response, named: unknown, field = 'by'): string {
  const answer = actorOf(principalOf(res), typeof named === 'string' ? named : undefined);
  if (!answer.ok) throw new HttpError(403, 'forbidden', answer.reason, field);
  return answer.actor;
}
