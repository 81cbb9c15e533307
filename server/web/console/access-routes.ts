/**
 * The console's side of who gets in. Before a session: /console/sign-in/<secret>, a one-time link an admin
 * issued (GET only shows who it is for; POST, with the page's double-submit token, spends it and starts a
 * session as that person). With a session: /console/cli-login (approve `marshal login` as yourself),
 * and for admins /console/sign-in-links (issue a link) and /console/audit (the trail). Each of these is
 * audited; refusals are pages that say why, never a trace.
 */
import { recordAudit } from '../../api/auth';
import { Router, type Request, type Response } from 'express';
import type { AuditEntry, AuditTrail } from '../../../store/access';
import { normalUserCode, type CliLogins } from '../../../store/cli-logins';
import type { SignInLinks } from '../../../store/sign-in-links';
import { authorize, type Principal } from '../../../usecases/permissions';
import { HttpError } from '../../api/errors';
import { queryValue, queryWholeNumber } from '../../api/query';
import { knownPerson } from '../../api/sign-in-link-routes';
import type { Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import type { Session, SessionKeeper } from '../session';
import { SignInThrottle } from '../throttle';
import { auditPage, cliLoginPage, issueLinkPage, linkConfirmPage, linkRefusedPage } from './access-pages';
import { markAudited, sessionAuditPrincipal } from './form-permissions';
import { errorPage } from './views';

export interface ConsoleAccessDeps {
  sessions: SessionKeeper;
  policies: PolicyStore;
  logger: Logger;
  throttle: SignInThrottle;
  audit?: AuditTrail;
  signInLinks?: SignInLinks;
  cliLogins?: CliLogins;
  /** An identity provider signs people in: links are not for this Marshal. */
  oidc: boolean;
}

/** Who a console session acts as, for permission checks: the admin token's session is the bootstrap admin. */
export function sessionPrincipal(session: Session): Principal {
  return session.via === 'admin-token' ? { kind: 'admin-token' } : { kind: 'person', person: session.name, session: 'console' };
}

export const isAdminSession = (policies: PolicyStore, session: Session) => authorize(policies.current, sessionPrincipal(session), { kind: 'admin', what: 'the audit trail' }).ok;

const AUDIT_PAGE = 50;

export function consoleAccessRoutes(deps: ConsoleAccessDeps): { beforeSession: Router; withSession: Router } {
  const record = (req: Request, entry: Omit<AuditEntry, 'target' | 'remote'>) => {
    markAudited(req);
    // A link's secret never goes into the trail: the path is recorded without it.
    recordAudit(deps, { ...entry, target: req.path.replace(/^\/sign-in\/.*/is, '/sign-in/…').slice(0, 60), remote: req.ip });
  };
  const links = (): SignInLinks => {
    if (!deps.signInLinks) throw new HttpError(503, 'store_unavailable', 'Sign-in links live in the store, which this Marshal process does not hold.');
    return deps.signInLinks;
  };
  const nameOf = (person: string) => deps.policies.current.people[person]?.name ?? person;

  const beforeSession = Router();
  // The page's URL holds the link's secret: no Referer carries it on (server/web/layout.ts keeps this).
  beforeSession.use('/sign-in', (_req, res, next) => {
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  const refuseLink = (req: Request, res: Response, status: number, title: string, message: string, detail: Record<string, unknown>) => {
    record(req, { actor: typeof detail.person === 'string' ? detail.person : 'anonymous', principal: 'console', action: 'sign-in link used', outcome: 'failed', status, detail });
    sendHtml(res, status, linkRefusedPage(title, message));
  };
  const throttled = (req: Request, res: Response) => {
    const wait = deps.throttle.retryAfter(req.ip ?? 'unknown');
    if (wait === 0) return false;
    res.set('Retry-After', String(wait));
    sendHtml(res, 429, errorPage(undefined, 'Too many sign-in attempts', `Too many failed sign-ins from your address. Try again in ${Math.ceil(wait / 60)} minute(s).`));
    return true;
  };
  /** The refusal page for a link that cannot be used, by why. */
  const linkUnusable = (req: Request, res: Response, verdict: { reason: 'unknown' | 'used' | 'expired' | 'revoked'; person?: string }) => {
    if (verdict.reason === 'unknown') {
      deps.throttle.fail(req.ip ?? 'unknown');
      return refuseLink(req, res, 404, 'Sign-in link not recognised', 'This sign-in link is not one Marshal issued (perhaps it was cut short when copied).', { reason: 'unknown' });
    }
    if (verdict.reason === 'used')
      return refuseLink(req, res, 410, 'Sign-in link already used', 'This sign-in link has already been used; each link signs in once.', { reason: 'used', person: verdict.person });
    if (verdict.reason === 'revoked')
      return refuseLink(req, res, 410, 'Sign-in link revoked', 'An administrator took this sign-in link back; it no longer signs anyone in.', { reason: 'revoked', person: verdict.person });
    return refuseLink(req, res, 410, 'Sign-in link expired', 'This sign-in link has expired; links work for 24 hours.', { reason: 'expired', person: verdict.person });
  };

  beforeSession.get('/sign-in/:secret', async (req, res) => {
    if (deps.oidc) return refuseLink(req, res, 404, 'Sign-in links are off', 'Sign in with your company account instead.', { reason: 'identity provider configured' });
    if (throttled(req, res)) return;
    const verdict = await links().peek(String(req.params.secret));
    if (!verdict.ok) return linkUnusable(req, res, verdict);
    sendHtml(res, 200, linkConfirmPage(deps.sessions.loginChallenge(res, req.secure), String(req.params.secret), nameOf(verdict.person)));
  });

  beforeSession.post('/sign-in/:secret', async (req, res) => {
    if (deps.oidc) return refuseLink(req, res, 404, 'Sign-in links are off', 'Sign in with your company account instead.', { reason: 'identity provider configured' });
    if (throttled(req, res)) return;
    const secret = String(req.params.secret);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Only a press of the button on our own page spends the link (no login CSRF from another site).
    if (!deps.sessions.loginChallengeMatches(req, typeof body._login === 'string' ? body._login : undefined)) {
      const verdict = await links().peek(secret);
      if (!verdict.ok) return linkUnusable(req, res, verdict);
      return sendHtml(res, 403, linkConfirmPage(deps.sessions.loginChallenge(res, req.secure), secret, nameOf(verdict.person)));
    }
    const verdict = await links().use(secret, req.ip);
    if (!verdict.ok) return linkUnusable(req, res, verdict);
    if (!deps.policies.current.people[verdict.person]) {
      return refuseLink(req, res, 403, 'No longer on a team', `${verdict.person} is no longer in Marshal's policy, so this link cannot sign them in.`, {
        reason: 'not in policy',
        person: verdict.person,
      });
    }
    await deps.sessions.issue(res, verdict.person, 'sign-in-link', req.secure);
    record(req, { actor: verdict.person, principal: 'console', action: 'sign-in link used', outcome: 'done', status: 303, detail: { via: 'sign-in-link', issuedBy: verdict.issuedBy } });
    res.redirect(303, '/console');
  });

  const withSession = Router();
  const sessionOf = (res: Response) => res.locals.session as Session;
  const requireAdmin = (res: Response, what: string) => {
    if (!sessionOf(res).admin) throw new HttpError(403, 'forbidden', `${what} is for admins (admins in config/access.yaml); you are signed in as ${sessionOf(res).name}.`);
  };
  const people = (): [string, string][] =>
    Object.values(deps.policies.current.people)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((person) => [person.id, person.name && person.name !== person.id ? `${person.name} (${person.id})` : person.id]);

  const linksPage = async (res: Response, status: number, messages: Parameters<typeof issueLinkPage>[2] = {}) =>
    sendHtml(res, status, issueLinkPage(sessionOf(res), people(), { ...messages, outstanding: await links().outstanding() }));

  withSession.get('/sign-in-links', async (_req, res) => {
    requireAdmin(res, 'Issuing sign-in links');
    await linksPage(res, 200);
  });

  withSession.post('/sign-in-links/:id/revoke', async (req, res) => {
    requireAdmin(res, 'Revoking sign-in links');
    const session = sessionOf(res);
    const id = String(req.params.id).slice(0, 40);
    const person = await links().revoke(id, session.name);
    record(req, {
      actor: session.name,
      principal: sessionAuditPrincipal(session),
      action: 'sign-in link revoked',
      outcome: person ? 'done' : 'failed',
      status: person ? 200 : 404,
      detail: { link: id, ...(person ? { person } : {}) },
    });
    if (!person) return linksPage(res, 404, { error: 'That link is not outstanding any more (used, expired or revoked already).' });
    await linksPage(res, 200, { notice: `Revoked the sign-in link for ${nameOf(person)}; it no longer signs anyone in.` });
  });

  withSession.post('/sign-in-links', async (req, res) => {
    requireAdmin(res, 'Issuing sign-in links');
    const session = sessionOf(res);
    if (deps.oidc) return linksPage(res, 409, { error: 'An identity provider signs people in here; sign-in links are for Marshal without one.' });
    let person: string;
    try {
      person = knownPerson(deps.policies, (req.body as Record<string, unknown>)?.person);
    } catch (error) {
      return linksPage(res, 400, { error: (error as Error).message });
    }
    const { secret, expiresAt } = await links().issue(person, session.name);
    record(req, { actor: session.name, principal: sessionAuditPrincipal(session), action: 'sign-in link issued', outcome: 'done', status: 200, detail: { person, expiresAt } });
    const url = `${req.protocol}://${req.get('host')}/console/sign-in/${secret}`;
    await linksPage(res, 200, { issued: { person, name: nameOf(person), url, expiresAt } });
  });

  withSession.get('/audit', async (req, res) => {
    requireAdmin(res, 'The audit trail');
    if (!deps.audit) throw new HttpError(503, 'store_unavailable', 'The audit trail lives in the store, which this Marshal process does not hold.');
    const session = sessionOf(res);
    const [peopleIds, actions] = [Object.keys(deps.policies.current.people).sort(), await deps.audit.actions()];
    let filters;
    try {
      const before = req.query.before === undefined || req.query.before === '' ? undefined : queryWholeNumber(req.query, 'before', 0, 1, Number.MAX_SAFE_INTEGER);
      const blankIsAny = (name: string) => (req.query[name] === '' ? undefined : queryValue(req.query, name, 200));
      filters = { actor: blankIsAny('actor'), action: blankIsAny('action'), before };
    } catch (error) {
      return sendHtml(res, 400, auditPage(session, [], { filters: {}, people: peopleIds, actions, error: (error as Error).message }));
    }
    const entries = await deps.audit.list({ ...filters, limit: AUDIT_PAGE + 1 });
    const page = entries.slice(0, AUDIT_PAGE);
    sendHtml(res, 200, auditPage(session, page, { filters, people: peopleIds, actions, next: entries.length > AUDIT_PAGE ? page[page.length - 1].id : undefined }));
  });

  const logins = (): CliLogins => {
    if (!deps.cliLogins) throw new HttpError(503, 'store_unavailable', 'CLI logins live in the store, which this Marshal process does not hold.');
    return deps.cliLogins;
  };
  /** A token acts as a person: the admin token's session is nobody, so it cannot hand one out. */
  const personOf = (res: Response): string | undefined => {
    const session = sessionOf(res);
    return session.via === 'admin-token' ? undefined : session.name;
  };
  const notAPerson = (res: Response) =>
    sendHtml(
      res,
      403,
      cliLoginPage(sessionOf(res), {
        error:
          'You are signed in with the admin token, which is nobody: a CLI login gets a token that acts as a person. Sign in as yourself (your company account, or a sign-in link from an admin), then open this page again.',
      }),
    );

  // Guessing someone else's pending user code (2^34 of them, live 10 minutes) takes many tries: an address
  // that names codes Marshal does not know is slowed down, apart from the sign-in brake so a few typos do
  // not lock anyone out of signing in.
  const codeGuesses = new SignInThrottle({ failures: 20, windowMs: 10 * 60_000 });
  const guessing = (req: Request, res: Response) => {
    const wait = codeGuesses.retryAfter(req.ip ?? 'unknown');
    if (wait === 0) return false;
    res.set('Retry-After', String(wait));
    sendHtml(res, 429, cliLoginPage(sessionOf(res), { error: `Too many codes that match no CLI login. Try again in ${Math.ceil(wait / 60)} minute(s).` }));
    return true;
  };

  withSession.get('/cli-login', async (req, res) => {
    const session = sessionOf(res);
    if (guessing(req, res)) return;
    const given = req.query.code;
    if (given === undefined || given === '') return sendHtml(res, 200, cliLoginPage(session));
    const code = normalUserCode(given);
    if (!code) return sendHtml(res, 400, cliLoginPage(session, { error: 'That is not a code marshal login prints (8 letters, like BDFG-HJKL).' }));
    if (!personOf(res)) return notAPerson(res);
    const login = await logins().find(code);
    if (!login) {
      codeGuesses.fail(req.ip ?? 'unknown');
      return sendHtml(res, 404, cliLoginPage(session, { error: `No CLI login has the code ${code}. Check it against your terminal, or run marshal login again.` }));
    }
    if (login.state !== 'pending') return sendHtml(res, 410, cliLoginPage(session, { error: stale(login.state) }));
    sendHtml(res, 200, cliLoginPage(session, { code, login }));
  });

  withSession.post('/cli-login', async (req, res) => {
    const session = sessionOf(res);
    if (guessing(req, res)) return;
    const code = normalUserCode(req.query.code);
    const decision = req.query.decision;
    if (!code || (decision !== 'allow' && decision !== 'deny')) return sendHtml(res, 400, cliLoginPage(session, { error: 'That is not a code marshal login prints (8 letters, like BDFG-HJKL).' }));
    const person = personOf(res);
    if (!person) return notAPerson(res);
    const allow = decision === 'allow';
    const before = await logins().find(code);
    if (!before) {
      codeGuesses.fail(req.ip ?? 'unknown');
      return sendHtml(res, 404, cliLoginPage(session, { error: `No CLI login has the code ${code}. Run marshal login again.` }));
    }
    const after = await logins().decide(code, person, allow);
    const mine = after && (allow ? after.state === 'approved' && after.approvedBy === person : after.state === 'denied') && before.state === 'pending';
    record(req, {
      actor: person,
      principal: 'console',
      action: allow ? 'cli login approved' : 'cli login denied',
      outcome: mine ? 'done' : 'failed',
      status: mine ? 200 : 410,
      detail: { host: before.host, userCode: code, ...(mine ? {} : { state: before.state }) },
    });
    if (!mine) return sendHtml(res, 410, cliLoginPage(session, { error: stale(before.state) }));
    sendHtml(res, 200, cliLoginPage(session, { login: after, done: allow ? 'allowed' : 'denied' }));
  });

  return { beforeSession, withSession };
}

function stale(state: string): string {
  if (state === 'expired') return 'This CLI login has expired (codes last 10 minutes). Run marshal login again.';
  if (state === 'denied') return 'This CLI login was refused. Run marshal login again if that was a mistake.';
  return 'This CLI login was already decided. Run marshal login again for a new code.';
}
