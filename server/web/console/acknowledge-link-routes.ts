/**
 * /console/ack: the one-click Acknowledge in a page. The signed link (common/action-links.ts) is the
 * credential for that one action, so no console session is needed. GET only shows what it would do (mail
 * scanners that prefetch links must not acknowledge); the confirmation's POST acknowledges as the person
 * the link names, through the same engine command the API and console use, once: the store keeps used
 * links' nonces, so a second use is refused in every process and after restarts. No CSRF token: the link
 * itself is the secret, and it is spent by its first use.
 * The token travels in the query string and the form body, never in the path: request logs record paths.
 */
import { Router, type Request, type Response } from 'express';
import { ActionLinkRefusedError, verifyActionLink, type ActionLink } from '../../../common/action-links';
import type { Incidents } from '../../../engine/incidents';
import { RefusedError } from '../../../engine/errors';
import type { AuditTrail } from '../../../store/access';
import type { UsedActionLinks } from '../../../store/action-links';
import { authorize } from '../../../usecases/permissions';
import { asHttpError, HttpError } from '../../api/errors';
import type { Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import { acknowledgedPage, confirmPage, nothingToAcknowledgePage, refusedLinkPage, usedLinkPage, type LinkPerson } from './acknowledge-link-page';

export interface AcknowledgeLinkDeps {
  incidents: Incidents;
  policies: PolicyStore;
  logger: Logger;
  /** The link secret (server/runtime/link-secret.ts); absent, links are answered 503. */
  secret?: string;
  /** Where used links are kept (the store); absent, links are answered 503. */
  usedLinks?: UsedActionLinks;
  audit?: AuditTrail;
}

export function acknowledgeLinkRoutes(deps: AcknowledgeLinkDeps): Router {
  const router = Router();
  // The page's URL holds the link: no Referer carries it on (server/web/layout.ts keeps this).
  router.use('/ack', (_req, res, next) => {
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  const nameOf = (personId: string) => deps.policies.current.people[personId]?.name ?? personId;

  const record = (req: Request, entry: { actor?: string; incidentId?: string; outcome: 'done' | 'denied' | 'failed'; status: number; detail?: Record<string, unknown> }) =>
    void deps.audit
      ?.append({
        actor: entry.actor ?? 'anonymous',
        principal: 'signed-link',
        action: 'acknowledge',
        target: entry.incidentId ? `/api/v1/incidents/${entry.incidentId}` : '/console/ack',
        outcome: entry.outcome,
        status: entry.status,
        remote: req.ip,
        detail: { via: 'signed link', method: req.method, ...entry.detail },
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not write the audit trail'));

  /** The genuine, unexpired acknowledge link `token` is, and the person it acts for, who must still be allowed to act. */
  const open = async (token: unknown): Promise<{ link: ActionLink; person: LinkPerson; usedLinks: UsedActionLinks }> => {
    if (!deps.secret || !deps.usedLinks) throw new HttpError(503, 'store_unavailable', 'Acknowledge links need the store, which this Marshal process does not hold. Acknowledge in the console.');
    const link = await verifyActionLink(deps.secret, token, 'acknowledge');
    const policy = deps.policies.current;
    const person = policy.people[link.personId];
    if (!person) throw new ActionLinkRefusedError('person', `This link is for ${link.personId}, who is no longer in Marshal's policy.`, link);
    const verdict = authorize(policy, { kind: 'person', person: person.id }, { kind: 'command' });
    if (!verdict.ok) throw new ActionLinkRefusedError('person', `This link cannot act: ${verdict.reason}.`, link);
    return { link, person: { id: person.id, name: person.name }, usedLinks: deps.usedLinks };
  };

  /** Refusals become a page saying why, audited; an absent engine or store and bugs go to the console's error handler. */
  const refusing = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error || error.status >= 500) throw failure;
      const link = failure instanceof ActionLinkRefusedError ? failure.link : undefined;
      record(req, { actor: link?.personId, incidentId: link?.incidentId, outcome: error.status === 400 ? 'failed' : 'denied', status: error.status, detail: { refused: error.code } });
      sendHtml(res, error.status, refusedLinkPage(error.message, link?.incidentId));
    }
  };

  router.get(
    '/ack',
    refusing(async (req, res) => {
      const token = req.query.t;
      const { link, person, usedLinks } = await open(token);
      const [used, incident] = await Promise.all([usedLinks.find(link.nonce), deps.incidents.get(link.incidentId)]);
      if (used) {
        record(req, { actor: person.id, incidentId: link.incidentId, outcome: 'denied', status: 410, detail: { refused: 'link_used', usedAt: used.usedAt } });
        return sendHtml(res, 410, usedLinkPage(incident, used.usedAt, nameOf));
      }
      if (incident.acknowledgedAt || incident.resolvedAt) return sendHtml(res, 200, nothingToAcknowledgePage(incident, person, nameOf));
      sendHtml(res, 200, confirmPage(incident, person, String(token), link.expiresAt, nameOf));
    }),
  );

  router.post(
    '/ack',
    refusing(async (req, res) => {
      const { link, person, usedLinks } = await open((req.body as Record<string, unknown> | undefined)?.t);
      const audited = { actor: person.id, incidentId: link.incidentId };
      const earlier = await usedLinks.claim(link);
      if (earlier) {
        record(req, { ...audited, outcome: 'denied', status: 410, detail: { refused: 'link_used', usedAt: earlier.usedAt } });
        return sendHtml(res, 410, usedLinkPage(await deps.incidents.get(link.incidentId).catch(() => undefined), earlier.usedAt, nameOf));
      }
      try {
        const incident = await deps.incidents.command(link.incidentId, { type: 'acknowledge', by: person.id });
        record(req, { ...audited, outcome: 'done', status: 200, detail: { nonce: link.nonce } });
        sendHtml(res, 200, acknowledgedPage(incident, person, nameOf));
      } catch (failure) {
        if (failure instanceof RefusedError && failure.refusal.kind === 'conflict') {
          // Someone acknowledged (or resolved) first: the link has had its one chance; say who holds the incident.
          record(req, { ...audited, outcome: 'failed', status: 409, detail: { refused: 'conflict', reason: failure.message } });
          return sendHtml(res, 409, nothingToAcknowledgePage(await deps.incidents.get(link.incidentId), person, nameOf));
        }
        // Not acknowledged (the engine was away, the incident is unknown): the link was not spent.
        await usedLinks.release(link).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release an action link after a failed acknowledgement'));
        throw failure;
      }
    }),
  );

  return router;
}
