/**
 * /console/login, /console/login/oidc, /console/login/callback: getting a console session. With an
 * identity provider configured (MARSHAL_OIDC_*), only the provider signs people in, and the session acts
 * as the policy person its claim names; without one, the admin token does, with the name typed beside it.
 * Failed attempts are audited and throttled per client address (429 with Retry-After).
 */
import { recordAudit } from '../../api/auth';
import { Router, type Request, type Response } from 'express';
import type { AuditTrail } from '../../../store/access';
import type { Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import { OidcSignIn, SignInRefused, type OidcSettings } from '../oidc';
import type { SessionKeeper } from '../session';
import { SignInThrottle } from '../throttle';
import { sendHtml } from '../layout';
import { errorPage, loginPage, oidcLoginPage, signInRefusedPage } from './views';

export interface SignInDeps {
  sessions: SessionKeeper;
  policies: PolicyStore;
  logger: Logger;
  audit?: AuditTrail;
  oidc?: OidcSettings;
  throttle?: SignInThrottle;
}

const NEXT = /^\/console(?:[/?][\w\-/?=&.%]*)?$/;
const safeNext = (value: unknown) => (typeof value === 'string' && value.length <= 500 && NEXT.test(value) ? value : '/console');

export function signInRoutes(deps: SignInDeps): Router {
  const router = Router();
  const throttle = deps.throttle ?? new SignInThrottle();
  const secure = (req: Request) => req.secure;
  const oidc = deps.oidc && new OidcSignIn(deps.oidc);
  const address = (req: Request) => req.ip ?? 'unknown';

  const record = (req: Request, actor: string, outcome: 'done' | 'failed', status: number, detail: Record<string, unknown>) =>
    recordAudit(deps, { actor, principal: 'console', action: 'console sign-in', target: req.path, outcome, status, remote: req.ip, detail });

  /** Too many failures from this address: 429 with when to come back, before any secret is looked at. */
  const throttled = (req: Request, res: Response): boolean => {
    const wait = throttle.retryAfter(address(req));
    if (wait === 0) return false;
    res.set('Retry-After', String(wait));
    sendHtml(res, 429, errorPage(undefined, 'Too many sign-in attempts', `Too many failed sign-ins from your address. Try again in ${Math.ceil(wait / 60)} minute(s).`));
    return true;
  };

  const callbackUrl = (req: Request) => `${req.protocol}://${req.get('host')}/console/login/callback`;

  router.get('/login', (req, res) => {
    const next = safeNext(req.query.next);
    if (oidc) return sendHtml(res, 200, oidcLoginPage({ next }));
    sendHtml(res, 200, loginPage(deps.sessions.loginChallenge(res, secure(req)), { next }));
  });

  router.post('/login', async (req, res) => {
    if (oidc) return sendHtml(res, 404, oidcLoginPage({ error: 'Sign in with your company account: the admin token does not open the console here.' }));
    if (throttled(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = (typeof body.name === 'string' ? body.name : '').trim().slice(0, 200);
    const next = safeNext(body.next);
    const retry = (status: number, error: string) => sendHtml(res, status, loginPage(deps.sessions.loginChallenge(res, secure(req)), { error, next, name }));
    if (!deps.sessions.loginChallengeMatches(req, typeof body._login === 'string' ? body._login : undefined)) {
      return retry(403, 'The sign-in form expired or came from another site. Please try again.');
    }
    if (!name) return retry(400, 'Enter your name: it is recorded with everything you do.');
    if (!deps.sessions.tokenMatches(typeof body.token === 'string' ? body.token : undefined)) {
      throttle.fail(address(req));
      record(req, name, 'failed', 401, { via: 'admin-token' });
      return retry(401, 'That token is not the admin token. Check data/admin-token or MARSHAL_TOKEN.');
    }
    await deps.sessions.issue(res, name, 'admin-token', secure(req));
    record(req, name, 'done', 303, { via: 'admin-token' });
    res.redirect(303, next);
  });

  router.get('/login/oidc', async (req, res) => {
    if (!oidc) return res.redirect(303, '/console/login');
    if (throttled(req, res)) return;
    try {
      const { url, flow } = await oidc.start(callbackUrl(req));
      deps.sessions.saveFlow(res, { ...flow, next: safeNext(req.query.next) }, secure(req));
      res.redirect(303, url);
    } catch (error) {
      deps.logger.warn({ err: error }, 'OIDC: could not reach the identity provider');
      res.set('Retry-After', '30');
      sendHtml(res, 503, errorPage(undefined, 'Sign-in unavailable', 'Marshal could not reach your identity provider. Try again in a minute; responders can still use the API with their tokens.'));
    }
  });

  router.get('/login/callback', async (req, res) => {
    if (!oidc) return res.redirect(303, '/console/login');
    if (throttled(req, res)) return;
    const flow = deps.sessions.takeFlow(req, res, secure(req));
    const refuse = (status: number, message: string, who?: string) => {
      throttle.fail(address(req));
      record(req, who ?? 'anonymous', 'failed', status, { via: 'oidc', reason: message.slice(0, 300) });
      sendHtml(res, status, signInRefusedPage(message));
    };
    if (!flow?.verifier || !flow.state || !flow.nonce) {
      return refuse(400, 'This sign-in was not started from this browser, or it took longer than ten minutes. Please sign in again.');
    }
    try {
      const current = new URL(req.originalUrl, callbackUrl(req));
      const person = await oidc.finish(current, callbackUrl(req), { verifier: flow.verifier, state: flow.state, nonce: flow.nonce }, deps.policies.current);
      await deps.sessions.issue(res, person.id, 'oidc', secure(req));
      record(req, person.id, 'done', 303, { via: 'oidc' });
      res.redirect(303, safeNext(flow.next));
    } catch (error) {
      if (error instanceof SignInRefused) {
        if (error.reason) deps.logger.info({ err: error.reason }, 'OIDC: the callback was refused');
        return refuse(error.status, error.message, error.who);
      }
      deps.logger.warn({ err: error }, 'OIDC: sign-in failed');
      refuse(502, 'Marshal could not complete the sign-in with your identity provider. Please try again.');
    }
  });

  return router;
}
