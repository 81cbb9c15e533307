/**
 * Who may do what, decided once, from policy (config/access.yaml and the team files). Everyone in a team
 * file may view, declare and act on any incident (incidents cross teams) and change their own team's
 * overrides; publishing to the status page takes the incident's commander or communications role, or a
 * place in `comms`; policy reload, tokens for others, the audit trail and rebuilding the store are admin
 * work. Service tokens carry explicit scopes instead. The admin token is the bootstrap: it may do anything.
 */
import type { Policy } from '../policy/types';

export type Scope = 'view' | 'declare' | 'command' | 'publish' | 'override' | 'act-as';
export const SCOPES: readonly Scope[] = ['view', 'declare', 'command', 'publish', 'override', 'act-as'];

export type Principal = { kind: 'admin-token' } | { kind: 'person'; person: string; tokenId?: string; session?: string } | { kind: 'service'; name: string; scopes: Scope[]; tokenId: string };

export type Action =
  { kind: 'view' } | { kind: 'declare' } | { kind: 'command'; publish?: { commander?: string; communications?: string } } | { kind: 'override'; team: string } | { kind: 'admin'; what: string };

export type Verdict = { ok: true } | { ok: false; reason: string };

export type Role = 'admin' | 'responder' | 'viewer';

export function roleOf(policy: Policy, person: string): Role | undefined {
  if (!policy.people[person]) return undefined;
  if (policy.access?.admins?.includes(person)) return 'admin';
  if (policy.access?.viewers?.includes(person)) return 'viewer';
  return 'responder';
}

/** The name recorded as the actor of what this principal does. */
export function principalName(principal: Principal): string {
  return principal.kind === 'admin-token' ? 'admin' : principal.kind === 'person' ? principal.person : `service:${principal.name}`;
}

const allow: Verdict = { ok: true };
const deny = (reason: string): Verdict => ({ ok: false, reason });

export function authorize(policy: Policy, principal: Principal, action: Action): Verdict {
  if (principal.kind === 'admin-token') return allow;
  if (principal.kind === 'service') {
    const needed: Scope =
      action.kind === 'view' ? 'view' : action.kind === 'declare' ? 'declare' : action.kind === 'override' ? 'override' : action.kind === 'command' ? (action.publish ? 'publish' : 'command') : 'view';
    if (action.kind === 'admin') return deny(`${action.what} is admin work; a service token cannot do it`);
    return principal.scopes.includes(needed) ? allow : deny(`this service token has no "${needed}" scope`);
  }
  const role = roleOf(policy, principal.person);
  if (!role) return deny(`${principal.person} is no longer in the policy`);
  if (role === 'admin' || action.kind === 'view' || action.kind === 'declare') return allow;
  if (role === 'viewer') return deny(`${principal.person} may view and declare only (viewers in config/access.yaml)`);
  switch (action.kind) {
    case 'command': {
      const publish = action.publish;
      if (!publish || policy.access?.comms?.includes(principal.person) || [publish.commander, publish.communications].includes(principal.person)) return allow;
      return deny(`publishing to the status page takes the incident's commander or communications role, or a place in comms (config/access.yaml)`);
    }
    case 'override':
      return policy.people[principal.person].team === action.team ? allow : deny(`${principal.person} may change only team ${policy.people[principal.person].team}'s overrides`);
    case 'admin':
      return deny(`${action.what} is admin work (admins in config/access.yaml)`);
  }
}

/**
 * Only the incoming commander accepts a commander handoff: accepting says "I have it", which nobody can say
 * for someone else (the admin token or an act-as service token may name them in `by`, as for any action).
 * With no handoff waiting there is nothing to forbid; the lifecycle answers that it is not acceptable now.
 */
export function mayAcceptHandoff(actor: string, pending: { to: string } | undefined): Verdict {
  if (!pending || pending.to === actor) return allow;
  return deny(`the commander handoff is to ${pending.to}; only they can accept it (you act as ${actor})`);
}

/**
 * The actor of a request: the caller. A body `by` naming someone else is refused, except from the admin
 * token (the bootstrap, acting for a named person) and a service token with the `act-as` scope.
 */
export function actorOf(principal: Principal, by: string | undefined): { ok: true; actor: string } | { ok: false; reason: string } {
  const self = principalName(principal);
  if (by === undefined || by === self) return { ok: true, actor: self };
  if (principal.kind === 'admin-token' || (principal.kind === 'service' && principal.scopes.includes('act-as'))) return { ok: true, actor: by };
  return { ok: false, reason: `you act as ${self}; "by" may not name ${by}` };
}
