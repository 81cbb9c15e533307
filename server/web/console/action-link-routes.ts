/**
 * The signed links in notifications (common/action-links.ts), answered without a console session: the link
 * is the credential for one action by one person on one incident. Three purposes share this plumbing:
 * /console/ack (Acknowledge, in pages), /console/update (Post an update, in status-update reminders) and
 * /console/accept-handoff (Accept handoff, to an incoming commander). GET only shows what the link would do
 * (mail scanners that prefetch links must not act); the confirmation's POST acts as the person the link
 * names, through the same engine command the API and console use, once: the store keeps used links'
 * nonces, so a second use is refused in every process and after restarts. No CSRF token: the link itself
 * is the secret, and it is spent by its first use. A POST refused for what was typed (an empty update)
 * does not spend it.
 * The token travels in the query string and the form body, never in the path: request logs record paths.
 */
import { recordAudit } from '../../api/auth';
import { Router, type Request, type Response } from 'express';
import { ActionLinkRefusedError, verifyActionLink, type ActionLink, type LinkPurpose } from '../../../common/action-links';
import type { Incidents } from '../../../engine/incidents';
import { RefusedError } from '../../../engine/errors';
import type { AuditTrail } from '../../../store/access';
import type { UsedActionLinks } from '../../../store/action-links';
import { authorize, mayAcceptHandoff } from '../../../usecases/permissions';
import type { Command } from '../../../workflows/incident-state';
import type { IncidentView } from '../../../workflows/incident-view';
import { asHttpError, HttpError } from '../../api/errors';
import type { Logger } from '../../runtime/log';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import {
  acceptHandoffPage,
  acknowledgedPage,
  confirmPage,
  handoffAcceptedPage,
  noHandoffPage,
  nothingToAcknowledgePage,
  nothingToUpdatePage,
  refusedLinkPage,
  updateFormPage,
  updatePostedPage,
  usedLinkPage,
  type LinkPerson,
  type NameOf,
} from './action-link-pages';
import { commandFromForm } from './commands';

export interface ActionLinkDeps {
  incidents: Incidents;
  policies: PolicyStore;
  logger: Logger;
  /** The link secret (server/runtime/link-secret.ts); absent, links are answered 503. */
  secret?: string;
  /** Where used links are kept (the store); absent, links are answered 503. */
  usedLinks?: UsedActionLinks;
  audit?: AuditTrail;
}

type Form = Record<string, unknown>;

/** What the link was opened with: everything a purpose's pages and command need. */
interface Opened {
  link: ActionLink;
  person: LinkPerson;
  token: string;
  nameOf: NameOf;
}

/** One purpose: where it is answered, what its pages say, and the command it sends. */
interface LinkAction {
  purpose: LinkPurpose;
  path: string;
  /** GET of a genuine, unused link: the confirmation, or why there is nothing left to do (status 200 either way). */
  confirm(incident: IncidentView, opened: Opened): string;
  /** The command the POST sends; throws HttpError 400 (before the link is spent) for what was typed. */
  command(form: Form, opened: Opened): Command;
  /** Before the link is spent: a page saying there is nothing to do, or undefined to go on. */
  nothingToDo?(incident: IncidentView, opened: Opened): string | undefined;
  /** A refused message: the form again, with the error, the link unspent. */
  refusedInput?(incident: IncidentView, opened: Opened, form: Form, error: HttpError): string;
  done(incident: IncidentView, opened: Opened): string;
  /** The engine refused the command as not possible now (a conflict): the link has had its chance. */
  conflict(incident: IncidentView, opened: Opened, reason: string): string;
}

const formText = (form: Form, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);

/** A resolved incident takes no more status updates: the page that says so, or undefined while it is open. */
const noMoreUpdates = (incident: IncidentView, nameOf: NameOf) =>
  incident.resolvedAt ? nothingToUpdatePage(incident, nameOf, 'The incident is resolved: it takes no more status updates.') : undefined;

/** Only the incoming commander accepts a handoff (the API's own check); with none waiting for them, nothing to accept. */
const noHandoffFor = (incident: IncidentView, { person, nameOf }: Opened) =>
  incident.pendingHandoff && mayAcceptHandoff(person.id, incident.pendingHandoff).ok ? undefined : noHandoffPage(incident, person, nameOf);

const ACTIONS: LinkAction[] = [
  {
    purpose: 'acknowledge',
    path: '/ack',
    confirm: (incident, { person, token, link, nameOf }) =>
      incident.acknowledgedAt || incident.resolvedAt ? nothingToAcknowledgePage(incident, person, nameOf) : confirmPage(incident, person, token, link.expiresAt, nameOf),
    command: (_form, { person }) => ({ type: 'acknowledge', by: person.id }),
    done: (incident, { person, nameOf }) => acknowledgedPage(incident, person, nameOf),
    // Someone acknowledged (or resolved) first: say who holds the incident.
    conflict: (incident, { person, nameOf }) => nothingToAcknowledgePage(incident, person, nameOf),
  },
  {
    purpose: 'update',
    path: '/update',
    confirm: (incident, { person, token, link, nameOf }) => noMoreUpdates(incident, nameOf) ?? updateFormPage(incident, person, token, link.expiresAt, nameOf),
    // The console form's own conversion: the API's schema (bounds, non-empty) checks the message; never public.
    command: (form, { person }) => commandFromForm('updates', { message: form.message, status: form.status }, person.id).command,
    nothingToDo: (incident, { nameOf }) => noMoreUpdates(incident, nameOf),
    refusedInput: (incident, { person, token, link, nameOf }, form, error) =>
      updateFormPage(incident, person, token, link.expiresAt, nameOf, { status: formText(form, 'status'), message: formText(form, 'message'), error: error.message }),
    done: (incident, { person, nameOf }) => updatePostedPage(incident, person, nameOf),
    conflict: (incident, { nameOf }, reason) => nothingToUpdatePage(incident, nameOf, reason),
  },
  {
    purpose: 'accept-handoff',
    path: '/accept-handoff',
    confirm: (incident, opened) => noHandoffFor(incident, opened) ?? acceptHandoffPage(incident, opened.person, opened.token, opened.link.expiresAt, opened.nameOf),
    command: (_form, { person }) => ({ type: 'accept-handoff', by: person.id }),
    nothingToDo: noHandoffFor,
    done: (incident, { person, nameOf }) => handoffAcceptedPage(incident, person, nameOf),
    conflict: (incident, { person, nameOf }) => noHandoffPage(incident, person, nameOf),
  },
];

export function actionLinkRoutes(deps: ActionLinkDeps): Router {
  const router = Router();
  for (const action of ACTIONS) answer(router, action, deps);
  return router;
}

function answer(router: Router, action: LinkAction, deps: ActionLinkDeps): void {
  const { purpose, path } = action;
  // The page's URL holds the link: no Referer carries it on (server/web/layout.ts keeps this).
  router.use(path, (_req, res, next) => {
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  const nameOf = (personId: string) => deps.policies.current.people[personId]?.name ?? personId;
  /** Whether the link was used already, and the incident it is about. */
  const lookUp = (usedLinks: UsedActionLinks, link: ActionLink) => Promise.all([usedLinks.find(link.nonce), deps.incidents.get(link.incidentId)]);

  const record = (req: Request, entry: { actor?: string; incidentId?: string; outcome: 'done' | 'denied' | 'failed'; status: number; detail?: Record<string, unknown> }) =>
    recordAudit(deps, {
      actor: entry.actor ?? 'anonymous',
      principal: 'signed-link',
      action: purpose,
      target: entry.incidentId ? `/api/v1/incidents/${entry.incidentId}` : `/console${path}`,
      outcome: entry.outcome,
      status: entry.status,
      remote: req.ip,
      detail: { via: 'signed link', method: req.method, ...entry.detail },
    });

  /** The genuine, unexpired link `token` is, for this purpose, and the person it acts for, who must still be allowed to act. */
  const open = async (token: unknown): Promise<Opened & { usedLinks: UsedActionLinks }> => {
    if (!deps.secret || !deps.usedLinks) throw new HttpError(503, 'store_unavailable', 'Action links need the store, which this Marshal process does not hold. Use the console.');
    const link = await verifyActionLink(deps.secret, token, purpose);
    const policy = deps.policies.current;
    const person = policy.people[link.personId];
    if (!person) throw new ActionLinkRefusedError('person', `This link is for ${link.personId}, who is no longer in Marshal's policy.`, link);
    const verdict = authorize(policy, { kind: 'person', person: person.id }, { kind: 'command' });
    if (!verdict.ok) throw new ActionLinkRefusedError('person', `This link cannot act: ${verdict.reason}.`, link);
    return { link, person: { id: person.id, name: person.name }, token: String(token), nameOf, usedLinks: deps.usedLinks };
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
      sendHtml(res, error.status, refusedLinkPage(purpose, error.message, link?.incidentId));
    }
  };

  router.get(
    path,
    refusing(async (req, res) => {
      const opened = await open(req.query.t);
      const { link, person, usedLinks } = opened;
      const [used, incident] = await lookUp(usedLinks, link);
      if (used) {
        record(req, { actor: person.id, incidentId: link.incidentId, outcome: 'denied', status: 410, detail: { refused: 'link_used', usedAt: used.usedAt } });
        return sendHtml(res, 410, usedLinkPage(incident, used.usedAt, nameOf));
      }
      sendHtml(res, 200, action.confirm(incident, opened));
    }),
  );

  router.post(
    path,
    refusing(async (req, res) => {
      const form = (req.body as Form | undefined) ?? {};
      const opened = await open(form.t);
      const { link, person, usedLinks } = opened;
      const audited = { actor: person.id, incidentId: link.incidentId };
      // What was typed is checked before the link is spent: a refused message leaves it usable.
      let command: Command;
      try {
        command = action.command(form, opened);
      } catch (failure) {
        const error = asHttpError(failure);
        if (!error || error.status !== 400 || !action.refusedInput) throw failure;
        record(req, { ...audited, outcome: 'failed', status: 400, detail: { refused: error.code, field: error.field } });
        const [used, incident] = await lookUp(usedLinks, link);
        if (used) return sendHtml(res, 410, usedLinkPage(incident, used.usedAt, nameOf));
        return sendHtml(res, 400, action.refusedInput(incident, opened, form, error));
      }
      if (action.nothingToDo) {
        const [used, incident] = await lookUp(usedLinks, link);
        const nothing = used ? undefined : action.nothingToDo(incident, opened);
        if (nothing) {
          record(req, { ...audited, outcome: 'failed', status: 409, detail: { refused: 'nothing_to_do' } });
          return sendHtml(res, 409, nothing);
        }
      }
      const earlier = await usedLinks.claim(link);
      if (earlier) {
        record(req, { ...audited, outcome: 'denied', status: 410, detail: { refused: 'link_used', usedAt: earlier.usedAt } });
        return sendHtml(res, 410, usedLinkPage(await deps.incidents.get(link.incidentId).catch(() => undefined), earlier.usedAt, nameOf));
      }
      try {
        const incident = await deps.incidents.command(link.incidentId, command);
        record(req, { ...audited, outcome: 'done', status: 200, detail: { nonce: link.nonce } });
        sendHtml(res, 200, action.done(incident, opened));
      } catch (failure) {
        if (failure instanceof RefusedError && failure.refusal.kind === 'conflict') {
          // Not possible now (acknowledged or resolved first, handoff gone): the link has had its one chance.
          record(req, { ...audited, outcome: 'failed', status: 409, detail: { refused: 'conflict', reason: failure.message } });
          return sendHtml(res, 409, action.conflict(await deps.incidents.get(link.incidentId), opened, failure.message));
        }
        // Not done (the engine was away, the incident is unknown, the message refused by the engine): the link was not spent.
        await usedLinks.release(link).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release an action link after a failed action'));
        throw failure;
      }
    }),
  );
}
