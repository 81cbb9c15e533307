/**
 * A console form is a write like an API call, so it gets what the bearer routes get (server/api/auth.ts):
 * permission from policy for what the form asks (a viewer declares but does not act; a responder changes
 * only their own team's overrides), and an audit entry as the session's person with how it ended. Without
 * this a viewer, or anyone in another team, could do from the console what the API refuses them.
 * Publishing needs the incident's roles, so that finer check is the incident route's (routes.ts).
 */
import { recordAudit } from '../../api/auth';
import type { NextFunction, Request, Response } from 'express';
import type { AuditTrail } from '../../../store/access';
import { authorize, type Action } from '../../../usecases/permissions';
import type { Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import type { Session } from '../session';
import { sessionPrincipal } from './access-routes';
import { errorPage } from './views';

/** What a console POST asks to do, by its path (under /console); undefined for what any session may do. */
export function formAction(given: string): Action | undefined {
  // Express matches routes whatever the case (POST /console/INCIDENTS/… reaches the incident route), so
  // the check reads the path as the router does. Team ids are lower case (config/schema/team.json).
  const path = given.toLowerCase();
  if (path === '/incidents' || path === '/incidents/') return { kind: 'declare' };
  if (path.startsWith('/incidents/')) return { kind: 'command' };
  const override = /^\/oncall\/([^/]+)\/overrides(?:\/|$)/.exec(path);
  if (override) return { kind: 'override', team: override[1] };
  return undefined;
}

/**
 * A route that writes its own, more telling entry (a token issued, a sign-in link revoked) marks the answer
 * so the general entry below is not written twice for one request.
 */
export function markAudited(req: Request): void {
  if (req.res) req.res.locals.auditedByRoute = true;
}

/**
 * How the trail names a console session's credential. The admin token's session acts under a name typed at
 * sign-in, so its entries must say it was the admin token; every entry a session writes asks here.
 */
export const sessionAuditPrincipal = (session: Session): string => (session.via === 'admin-token' ? 'admin-token' : 'console');

/** Middleware for the session's POSTs: audit each (target without its query), refuse (403) what policy does not allow. */
export function consoleFormPermissions(deps: { policies: PolicyStore; audit?: AuditTrail; logger: Logger }) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const session = res.locals.session as Session;
    res.on('finish', () => {
      if (res.locals.auditedByRoute) return;
      recordAudit(deps, {
        actor: session.name,
        principal: sessionAuditPrincipal(session),
        action: `POST /console${req.route?.path ?? req.path}`.slice(0, 200),
        // The path only: a query may carry a CLI login's user code.
        target: `/console${req.path}`.slice(0, 500),
        outcome: res.statusCode < 400 ? 'done' : res.statusCode === 403 ? 'denied' : 'failed',
        status: res.statusCode,
        remote: req.ip,
        detail: { via: session.via },
      });
    });
    const action = formAction(req.path);
    const verdict = action ? authorize(deps.policies.current, sessionPrincipal(session), action) : { ok: true as const };
    if (!verdict.ok) return sendHtml(res, 403, errorPage(session, 'Not allowed', `You are signed in as ${session.name}: ${verdict.reason}.`));
    next();
  };
}
