/**
 * POST /api/v1/cli-login and POST /api/v1/cli-login/token: `marshal login` without pasting a token.
 *
 * Why not the identity provider's own device flow (RFC 8628 at the IdP, with openid-client's
 * initiateDeviceAuthorization)? Not every provider offers it (Dex and Entra ID do, some Okta and Google
 * set-ups do not), it needs a second, public client registered there, and the embedded default has no
 * provider at all. The same handshake run by Marshal works with whatever signs people in to the console
 * (the provider, a sign-in link), and what the CLI gets is an ordinary personal token: hashed, expiring,
 * revocable, listed with the others.
 *
 * Both routes are unauthenticated (the CLI has no credential yet) and throttled per client address: starts
 * always count, polls with a device code Marshal does not know count as failures.
 */
import { Router, type Request, type Response } from 'express';
import { CLI_LOGIN_INTERVAL_S, CLI_LOGIN_TTL_MS, isDeviceCode, type CliLogins } from '../../store/cli-logins';
import type { Tokens } from '../../store/access';
import { SignInThrottle } from '../web/throttle';
import { audit, recordAudit, type AccessDeps } from './auth';
import { HttpError } from './errors';
import { noStore } from './secrets';
import { consoleBase } from './sign-in-link-routes';

/** A personal token from a CLI login lasts as long as one issued by hand does by default. */
const CLI_TOKEN_DAYS = 90;
/** A host name as the CLI reports it: printable, short; shown on the approval page (escaped). */
const HOST = /^[^\p{Cc}]{1,100}$/u;

export function cliLoginRoutes(logins: CliLogins, tokens: Tokens, deps: AccessDeps, throttle = new SignInThrottle({ failures: 30, windowMs: 10 * 60_000 })): Router {
  const router = Router();
  const address = (req: Request) => req.ip ?? 'unknown';
  const brake = (req: Request, res: Response) => {
    const wait = throttle.retryAfter(address(req));
    if (wait === 0) return;
    res.set('Retry-After', String(wait));
    throw new HttpError(429, 'too_many_requests', `too many CLI logins from your address; try again in ${wait} s`);
  };

  router.post('/cli-login', async (req, res) => {
    noStore(res);
    brake(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const host = body.host ?? 'unknown host';
    if (typeof host !== 'string' || !HOST.test(host)) throw new HttpError(400, 'invalid', '"host" must be 1 to 100 printable characters (the name of the machine the CLI runs on)', 'host');
    throttle.fail(address(req));
    const started = await logins.start(host, req.ip);
    audit(deps, req, undefined, { action: 'cli login started', outcome: 'done', status: 201, actor: 'anonymous', detail: { host, userCode: started.userCode } });
    const verificationUri = `${consoleBase(req)}/cli-login`;
    res.status(201).json({
      deviceCode: started.deviceCode,
      userCode: started.userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?code=${started.userCode}`,
      expiresIn: CLI_LOGIN_TTL_MS / 1000,
      expiresAt: started.expiresAt,
      interval: CLI_LOGIN_INTERVAL_S,
    });
  });

  router.post('/cli-login/token', async (req, res) => {
    noStore(res);
    brake(req, res);
    const deviceCode = ((req.body ?? {}) as Record<string, unknown>).deviceCode;
    const refuse = (status: number, code: string, message: string, outcome: 'failed' | 'denied' = 'failed') => {
      audit(deps, req, undefined, { action: 'cli login token', outcome, status, actor: 'anonymous', detail: { refused: code } });
      return new HttpError(status, code, message, status === 400 ? 'deviceCode' : undefined);
    };
    if (!isDeviceCode(deviceCode)) {
      throttle.fail(address(req));
      throw refuse(400, 'invalid', '"deviceCode" must be the device code POST /api/v1/cli-login answered');
    }
    const claim = await logins.claim(deviceCode);
    switch (claim.state) {
      case 'pending':
        return void res.status(202).json({ status: 'pending', interval: CLI_LOGIN_INTERVAL_S });
      case 'unknown':
        throttle.fail(address(req));
        throw refuse(400, 'invalid', '"deviceCode" names no CLI login; start again with marshal login');
      case 'denied':
        throw refuse(403, 'denied', 'the person at the console refused this CLI login', 'denied');
      case 'expired':
        throw refuse(410, 'expired', 'this CLI login was not approved within 10 minutes; start again with marshal login');
      case 'used':
        throw refuse(410, 'expired', 'this CLI login already received its token; start again with marshal login');
    }
    if (!deps.policies.current.people[claim.person]) throw refuse(403, 'denied', `${claim.person} is no longer in the policy`, 'denied');
    const issued = await tokens.issue({
      kind: 'person',
      person: claim.person,
      name: `cli login ${claim.host}`.slice(0, 100),
      createdBy: claim.person,
      expiresAt: new Date(Date.now() + CLI_TOKEN_DAYS * 86_400_000).toISOString(),
    });
    recordAudit(deps, {
      actor: claim.person,
      principal: `person:${claim.person}`,
      action: 'cli login token',
      target: req.originalUrl,
      outcome: 'done',
      status: 200,
      tokenId: issued.record.id,
      remote: req.ip,
      detail: { host: claim.host },
    });
    res.json({ status: 'approved', token: issued.token, ...issued.record });
  });

  return router;
}
