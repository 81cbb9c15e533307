/**
 * /console/tokens: a signed-in person issues, lists and revokes their own personal API tokens; an admin
 * (or the admin token's session, which is nobody and so must name a person) does so for anyone. The same
 * store and rules as /api/v1/tokens; each issue and revocation is audited.
 */
import { recordAudit } from '../../api/auth';
import { Router, type Request, type Response } from 'express';
import type { AuditEntry, AuditTrail, TokenRecord, Tokens } from '../../../store/access';
import { HttpError } from '../../api/errors';
import { knownPerson } from '../../api/sign-in-link-routes';
import type { Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import type { Session } from '../session';
import { markAudited, sessionAuditPrincipal } from './form-permissions';
import { tokensPage } from './tokens-page';

/** A label people read in token lists: any printable text (as the API takes it). */
const NAME = /^[^\p{Cc}]{1,100}$/u;
const DAYS = new Set(['7', '30', '90', '365']);
const TOKEN_ID = /^[a-z0-9]{12}$/;

export function tokenConsoleRoutes(deps: { tokens?: Tokens; audit?: AuditTrail; policies: PolicyStore; logger: Logger }): Router {
  const router = Router();
  const sessionOf = (res: Response) => res.locals.session as Session;
  /** The person this session acts as; the admin token's session is nobody. */
  const personOf = (session: Session) => (session.via === 'admin-token' ? undefined : session.name);
  const store = (): Tokens => {
    if (!deps.tokens) throw new HttpError(503, 'store_unavailable', 'Tokens live in the store, which this Marshal process does not hold.');
    return deps.tokens;
  };
  const people = (): [string, string][] =>
    Object.values(deps.policies.current.people)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((person) => [person.id, person.name && person.name !== person.id ? `${person.name} (${person.id})` : person.id]);
  const listFor = (session: Session): Promise<TokenRecord[]> => store().list(session.admin ? {} : { person: personOf(session) ?? '\u0000none' });
  const record = (req: Request, session: Session, entry: Pick<AuditEntry, 'action' | 'outcome' | 'status' | 'tokenId' | 'detail'>) => {
    markAudited(req);
    recordAudit(deps, { actor: session.name, principal: sessionAuditPrincipal(session), target: req.path.slice(0, 100), remote: req.ip, ...entry });
  };
  const show = async (res: Response, status: number, extra: Parameters<typeof tokensPage>[2] = {}) => {
    const session = sessionOf(res);
    sendHtml(res, status, tokensPage(session, await listFor(session), { ...(session.admin ? { people: people() } : {}), ...extra }));
  };

  router.get('/tokens', async (_req, res) => {
    await show(res, 200);
  });

  router.post('/tokens', async (req, res) => {
    const session = sessionOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const refuse = (message: string) => show(res, 400, { error: message });
    if (typeof body.name !== 'string' || !NAME.test(body.name.trim())) return refuse('Say what the token is for: 1 to 100 printable characters.');
    if (typeof body.days !== 'string' || !DAYS.has(body.days)) return refuse('Choose when the token expires: 7, 30, 90 or 365 days.');
    let person = personOf(session);
    if (!session.admin && body.person !== undefined && body.person !== '' && body.person !== person) {
      return show(res, 403, { error: `You may issue tokens only for yourself (${session.name}); admins issue them for others.` });
    }
    if (session.admin && (body.person !== undefined || !person)) {
      try {
        person = knownPerson(deps.policies, body.person);
      } catch (error) {
        return refuse((error as Error).message);
      }
    }
    if (!person) return refuse('Choose whose token this is.');
    if (!deps.policies.current.people[person]) return refuse(`${person} is not in the policy.`);
    const expiresAt = new Date(Date.now() + Number(body.days) * 86_400_000).toISOString();
    const issued = await store().issue({ kind: 'person', person, name: body.name.trim(), createdBy: session.name, expiresAt });
    record(req, session, { action: 'token issued', outcome: 'done', status: 200, tokenId: issued.record.id, detail: { person, name: issued.record.name } });
    await show(res, 200, { issued });
  });

  router.post('/tokens/:id/revoke', async (req, res) => {
    const session = sessionOf(res);
    const id = String(req.params.id);
    const token = TOKEN_ID.test(id) ? await store().get(id) : undefined;
    // Someone else's token is answered as unknown: its existence is not theirs to learn.
    const mine = token && token.kind === 'person' && token.person === personOf(session);
    if (!token || !(mine || session.admin)) {
      record(req, session, { action: 'token revoked', outcome: 'failed', status: 404, detail: { id: id.slice(0, 40) } });
      return show(res, 404, { error: `No token ${id.slice(0, 40)} of yours.` });
    }
    await store().revoke(token.id, session.name);
    record(req, session, { action: 'token revoked', outcome: 'done', status: 200, tokenId: token.id });
    await show(res, 200, { notice: `Revoked token ${token.name} (${token.id}): its next use fails.` });
  });

  return router;
}
