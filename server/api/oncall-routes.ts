/** /api/v1/oncall: who is on call for a team at an instant, and the overrides that change it. */
import { actorFrom } from './auth';
import { Router, type Request } from 'express';
import { onCallAt } from '../../policy/oncall';
import type { Policy } from '../../policy/types';
import type { Overrides } from '../../engine/overrides';
import type { OverrideRequest } from '../../workflows/oncall-overrides-contract';
import type { PolicyStore } from '../runtime/policy-store';
import { HttpError } from './errors';
import { validateBody } from './schemas';

/** A team the policy defines (its own key: "constructor" is no team), else 404 listing the teams. */
export function knownTeam(policy: Policy, team: string): string {
  if (!Object.hasOwn(policy.teams, team)) throw new HttpError(404, 'not_found', `no team "${team}" in policy ${policy.version}; teams: ${Object.keys(policy.teams).join(', ')}`);
  return team;
}

const teamOf = (req: Request, policy: Policy): string => knownTeam(policy, String(req.params.team));

/** The names an override uses must mean someone: the cover a person of the policy, the covered a member of the team. */
export function checkOverridePeople(policy: Policy, team: string, request: Pick<OverrideRequest, 'person' | 'replaces'>): void {
  const { person, replaces } = request;
  if (!Object.hasOwn(policy.people, person)) throw new HttpError(400, 'invalid', `no person "${person}" in policy ${policy.version}`, 'person');
  if (replaces && !policy.teams[team].members.some((member) => member.id === replaces)) {
    throw new HttpError(400, 'invalid', `"${replaces}" is not a member of team ${team}`, 'replaces');
  }
}

function instant(value: unknown): Date {
  if (value === undefined) return new Date();
  const at = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw new HttpError(400, 'invalid', '"at" must be an ISO 8601 instant such as 2026-12-05T02:00:00Z', 'at');
  return at;
}

export function oncallRoutes(policies: PolicyStore, overrides: Overrides): Router {
  const router = Router();

  router.get('/:team', async (req, res) => {
    const policy = policies.current;
    const team = teamOf(req, policy);
    const at = instant(req.query.at);
    res.json({ ...onCallAt(policy, team, at, await overrides.active(team)), policyVersion: policy.version });
  });

  router.get('/:team/overrides', async (req, res) => {
    res.json({ overrides: await overrides.list(teamOf(req, policies.current)) });
  });

  router.post('/:team/overrides', validateBody('Override'), async (req, res) => {
    const policy = policies.current;
    const team = teamOf(req, policy);
    const { person, replaces, rotation, from, to, reason } = req.body;
    checkOverridePeople(policy, team, { person, replaces });
    const record = await overrides.add(team, { person, replaces, rotation, from, to, reason, by: actorFrom(res, req.body.by) });
    res.status(201).json(record);
  });

  router.delete('/:team/overrides/:id', async (req, res) => {
    const team = teamOf(req, policies.current);
    res.json(await overrides.remove(team, String(req.params.id), actorFrom(res, typeof req.query.by === 'string' ? req.query.by : undefined)));
  });

  return router;
}
