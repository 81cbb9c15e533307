/**
 * /console/oncall: who is on call now for every team, and /console/oncall/<team>: its next 14 days, with
 * forms to add and remove overrides and swaps. Overrides go through the same engine service and the same
 * checks as /api/v1/oncall/:team/overrides; the signed-in name is recorded as who did it. A refused form
 * (400, 409) is shown on the team's page with what was typed; an unknown team is a 404 page.
 */
import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Overrides } from '../../../engine/overrides';
import type { Policy } from '../../../policy/types';
import type { OverrideRecord } from '../../../workflows/oncall-overrides-contract';
import { asHttpError, HttpError } from '../../api/errors';
import { checkOverridePeople, knownTeam } from '../../api/oncall-routes';
import type { PolicyStore } from '../../runtime/policy-store';
import { sendHtml } from '../layout';
import type { Session } from '../session';
import { check, defined, text } from './commands';
import { scheduleZones, teamNow, teamSchedule } from './oncall-model';
import { oncallBoardPage, oncallTeamPage, type OverrideForm } from './oncall-page';
import type { Flash } from './views';

const OVERRIDE_ID = /^[\w-]{1,40}$/;

/** A team named in the path: cut before it is echoed, and 404 unless the policy defines it. */
function teamIn(req: Request, policy: Policy): string {
  return knownTeam(policy, String(req.params.team).slice(0, 100));
}

/** The zone asked for, one of those the page offers (UTC, the team's layers' and members'); 400 otherwise. */
function zoneOf(value: unknown, zones: string[], field = 'zone'): string {
  if (value === undefined || value === '') return zones[0];
  if (typeof value !== 'string' || !zones.includes(value)) {
    throw new HttpError(400, 'invalid', `Time zone must be one of ${zones.join(', ')}`, field);
  }
  return value;
}

/** A datetime-local value ("2026-12-05T02:00") read in `zone`, as an ISO instant; 400 naming the field. */
function localInstant(value: string | undefined, zone: string, field: 'from' | 'to', label: string): string | undefined {
  if (value === undefined) return undefined;
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? DateTime.fromISO(value, { zone }) : undefined;
  if (!local?.isValid) throw new HttpError(400, 'invalid', `${label} must be a date and time such as 2026-12-05T02:00`, field);
  return local.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** The form as typed, cut short, to show again beside a refusal. */
function echo(form: Record<string, unknown>): OverrideForm {
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).slice(0, name === 'reason' ? 2000 : 100) : undefined);
  return { person: field('person'), replaces: field('replaces'), rotation: field('rotation'), from: field('from'), to: field('to'), zone: field('zone'), reason: field('reason') };
}

export function oncallConsoleRoutes(overrides: Overrides | undefined, policies: PolicyStore): Router {
  const router = Router();
  const session = (res: Response) => res.locals.session as Session;
  const engine = (): Overrides => {
    if (!overrides) throw new HttpError(503, 'engine_unavailable', 'On-call overrides need the engine, which this Marshal process does not reach.');
    return overrides;
  };

  router.get('/oncall', async (_req, res) => {
    const policy = policies.current;
    const now = Date.now();
    const teams = await Promise.all(
      Object.keys(policy.teams)
        .sort()
        .map(async (team) => teamNow(policy, team, await engine().active(team), now)),
    );
    sendHtml(res, 200, oncallBoardPage(session(res), teams, new Date(now).toISOString()));
  });

  /** The team's page; `status` and `messages` carry a refused form's answer. */
  const show = async (res: Response, team: string, zoneValue: unknown, status = 200, messages: Flash = {}, form?: OverrideForm) => {
    const policy = policies.current;
    const zones = scheduleZones(policy.teams[team]);
    const zone = zoneOf(zoneValue, zones);
    const records: OverrideRecord[] = await engine().list(team);
    const active = records.filter((record) => record.state === 'active');
    const now = Date.now();
    const data = { now: teamNow(policy, team, active, now), schedule: { ...teamSchedule(policy, team, active, now, zone), zones }, overrides: records, policy, form };
    sendHtml(res, status, oncallTeamPage(session(res), data, messages));
  };

  router.get('/oncall/:team', async (req, res) => {
    const team = teamIn(req, policies.current);
    const done = req.query.done === 'added' ? 'Override added.' : req.query.done === 'removed' ? 'Override removed.' : undefined;
    await show(res, team, req.query.zone, 200, { notice: done });
  });

  router.post('/oncall/:team/overrides', async (req, res) => {
    const policy = policies.current;
    const team = teamIn(req, policy);
    const form = req.body as Record<string, unknown>;
    try {
      const zone = zoneOf(text(form, 'zone'), scheduleZones(policy.teams[team]));
      const body = defined({
        person: text(form, 'person'),
        replaces: text(form, 'replaces'),
        rotation: text(form, 'rotation'),
        from: localInstant(text(form, 'from'), zone, 'from', 'From'),
        to: localInstant(text(form, 'to'), zone, 'to', 'Until'),
        reason: text(form, 'reason'),
      });
      check('Override', body);
      const request = body as { person: string; replaces?: string; rotation?: 'primary' | 'secondary'; from: string; to: string; reason: string };
      checkOverridePeople(policy, team, request);
      await engine().add(team, { ...request, by: session(res).name });
      res.redirect(303, `/console/oncall/${team}?done=added${zone === 'UTC' ? '' : `&zone=${encodeURIComponent(zone)}`}`);
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error || error.status === 503) throw failure;
      await show(res, team, undefined, error.status, { error: error.message }, echo(form));
    }
  });

  router.post('/oncall/:team/overrides/:id/remove', async (req, res) => {
    const team = teamIn(req, policies.current);
    const id = String(req.params.id);
    try {
      if (!OVERRIDE_ID.test(id)) throw new HttpError(404, 'not_found', `no override ${id.slice(0, 40)} for team ${team}`);
      await engine().remove(team, id, session(res).name);
      res.redirect(303, `/console/oncall/${team}?done=removed`);
    } catch (failure) {
      const error = asHttpError(failure);
      if (!error || error.status === 503) throw failure;
      await show(res, team, undefined, error.status, { error: error.message });
    }
  });

  return router;
}
