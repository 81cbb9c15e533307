/**
 * /api/v1/tokens and /api/v1/audit. A person issues and revokes their own personal tokens (for the CLI and
 * scripts); an admin issues them for anyone, and issues service tokens with explicit scopes. A token is shown
 * once. The audit trail is for admins.
 */
import { Router } from 'express';
import type { AuditTrail, TokenRecord, Tokens } from '../../store/access';
import { roleOf, SCOPES, type Principal, type Scope } from '../../usecases/permissions';
import type { PolicyStore } from '../runtime/policy-store';
import { principalOf } from './auth';
import { HttpError } from './errors';
import { queryValue, queryWholeNumber } from './query';

const DAY_MS = 24 * 3600 * 1000;
/** A label people read in token lists: any printable text. */
const NAME = /^[^\p{Cc}]{1,100}$/u;

const isAdmin = (principal: Principal, policies: PolicyStore) => principal.kind === 'admin-token' || (principal.kind === 'person' && roleOf(policies.current, principal.person) === 'admin');
const mine = (principal: Principal, token: TokenRecord) => principal.kind === 'person' && token.kind === 'person' && token.person === principal.person;

function text(body: Record<string, unknown>, field: string, pattern: RegExp, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw new HttpError(400, 'invalid', `"${field}" must be 1 to 100 printable characters of the expected form`, field);
  return value;
}

export function accessRoutes(tokens: Tokens, audit: AuditTrail, policies: PolicyStore): Router {
  const router = Router();

  router.post('/tokens', async (req, res) => {
    const principal = principalOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = text(body, 'name', NAME, true)!;
    const days = body.expiresInDays ?? 90;
    if (!(typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 365)) throw new HttpError(400, 'invalid', '"expiresInDays" must be a whole number from 1 to 365', 'expiresInDays');
    const expiresAt = new Date(Date.now() + days * DAY_MS).toISOString();
    const createdBy = principal.kind === 'person' ? principal.person : principal.kind === 'service' ? `service:${principal.name}` : 'admin';
    const service = text(body, 'service', /^[a-z][a-z0-9-]{0,62}$/, false);
    if (service !== undefined) {
      if (!isAdmin(principal, policies)) throw new HttpError(403, 'forbidden', 'service tokens are issued by admins');
      const scopes = body.scopes;
      if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((scope) => (SCOPES as readonly unknown[]).includes(scope)))
        throw new HttpError(400, 'invalid', `"scopes" must list one or more of ${SCOPES.join(', ')}`, 'scopes');
      const issued = await tokens.issue({ kind: 'service', service, scopes: scopes as Scope[], name, createdBy, expiresAt });
      return void res.status(201).json({ token: issued.token, ...issued.record });
    }
    const person = text(body, 'person', /^[A-Za-z0-9._-]{1,100}$/, false) ?? (principal.kind === 'person' ? principal.person : undefined);
    if (!person) throw new HttpError(400, 'invalid', '"person" names whose token this is (the admin token is nobody)', 'person');
    if (!policies.current.people[person]) throw new HttpError(400, 'invalid', `no person "${person}" in policy ${policies.current.version}`, 'person');
    if (!(principal.kind === 'person' && principal.person === person) && !isAdmin(principal, policies)) throw new HttpError(403, 'forbidden', 'you may issue tokens only for yourself');
    const issued = await tokens.issue({ kind: 'person', person, name, createdBy, expiresAt });
    res.status(201).json({ token: issued.token, ...issued.record });
  });

  router.get('/tokens', async (req, res) => {
    const principal = principalOf(res);
    const person = isAdmin(principal, policies) ? queryValue(req.query, 'person') : principal.kind === 'person' ? principal.person : undefined;
    if (!person && !isAdmin(principal, policies)) return void res.json({ tokens: [] });
    res.json({ tokens: await tokens.list({ person }) });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const principal = principalOf(res);
    const token = await tokens.get(String(req.params.id));
    // Someone else's token is answered as unknown: its existence is not theirs to learn.
    if (!token || !(mine(principal, token) || isAdmin(principal, policies))) throw new HttpError(404, 'not_found', `no token ${String(req.params.id).slice(0, 40)}`);
    res.json(await tokens.revoke(token.id, principal.kind === 'person' ? principal.person : 'admin'));
  });

  router.get('/audit', async (req, res) => {
    const before = req.query.before === undefined ? undefined : queryWholeNumber(req.query, 'before', 0, 1, Number.MAX_SAFE_INTEGER);
    const filter = { actor: queryValue(req.query, 'actor', 200), action: queryValue(req.query, 'action', 200), before, limit: queryWholeNumber(req.query, 'limit', 200, 1, 1000) };
    res.json({ events: await audit.list(filter) });
  });

  return router;
}
