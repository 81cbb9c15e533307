/**
 * POST /api/v1/sign-in-links: an admin issues a person a one-time console sign-in link (the embedded
 * default has no identity provider: this is how people other than the admin get into the console). The
 * link is shown once, in the answer; the store keeps its hash (store/sign-in-links.ts).
 */
import { Router, type Request } from 'express';
import type { SignInLinks } from '../../store/sign-in-links';
import { principalName } from '../../usecases/permissions';
import type { PolicyStore } from '../runtime/policy-store';
import { audit, principalOf, type AccessDeps } from './auth';
import { noStore } from './secrets';
import { HttpError } from './errors';

/** A person's id as policy spells them (config/teams/*.yaml). */
export const PERSON_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** The person a request names, or 400 naming `person`: the field must be a person in the current policy. */
export function knownPerson(policies: PolicyStore, value: unknown): string {
  if (typeof value !== 'string' || !PERSON_ID.test(value)) throw new HttpError(400, 'invalid', '"person" must be the id of a person in policy (letters, digits, . _ -)', 'person');
  if (!policies.current.people[value]) throw new HttpError(400, 'invalid', `no person "${value}" in policy ${policies.current.version}`, 'person');
  return value;
}

/** Where the console is, as the caller reached it (the OIDC callback is built the same way). */
export const consoleBase = (req: Request) => `${req.protocol}://${req.get('host')}/console`;

export function signInLinkRoutes(links: SignInLinks, deps: AccessDeps & { oidc: boolean }): Router {
  const router = Router();
  router.post('/sign-in-links', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const person = knownPerson(deps.policies, body.person);
    // With an identity provider, it alone says who may sign in (leaving the company ends access there).
    if (deps.oidc) throw new HttpError(409, 'conflict', 'an identity provider signs people in here (MARSHAL_OIDC_ISSUER); sign-in links are for Marshal without one');
    const issuedBy = principalName(principalOf(res));
    const { secret, expiresAt } = await links.issue(person, issuedBy);
    audit(deps, req, res, { action: 'sign-in link issued', outcome: 'done', status: 201, detail: { person, expiresAt } });
    noStore(res);
    res.status(201).json({ person, url: `${consoleBase(req)}/sign-in/${secret}`, expiresAt, issuedBy });
  });
  return router;
}
