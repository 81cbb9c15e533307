/** Who is on call for a team at an instant: the question pages, the API and the CLI all ask. */
import { longestShiftMs, rotationSchedule, type Segment } from './schedule';
import type { ContactChannel, Override, Policy, RotationName, TeamPolicy } from './types';

export interface OnCallPerson {
  personId: string;
  name: string;
  timezone: string;
  contacts: ContactChannel[];
  rotation: RotationName;
  /** The rotation layer (e.g. a follow-the-sun hub) that put them here, or "override". */
  layer: string;
  shiftStart: string;
  shiftEnd: string;
  overrideId?: string;
}

export interface OnCallAnswer {
  team: string;
  at: string;
  primary: OnCallPerson | null;
  secondary: OnCallPerson | null;
  /** The primary's shift; null when nobody is primary (a coverage gap). */
  shiftStart: string | null;
  shiftEnd: string | null;
}

export class UnknownTeamError extends Error {
  constructor(readonly team: string) {
    super(`unknown team "${team}"`);
  }
}

export function teamOf(policy: Policy, teamId: string): TeamPolicy {
  const team = policy.teams[teamId];
  if (!team) throw new UnknownTeamError(teamId);
  return team;
}

function segmentAt(team: TeamPolicy, rotation: RotationName, at: number, overrides: Override[]): Segment | undefined {
  const span = longestShiftMs(team);
  return rotationSchedule(team, rotation, at - span, at + span, overrides).find((segment) => segment.start <= at && at < segment.end);
}

function describe(policy: Policy, segment: Segment | undefined): OnCallPerson | null {
  if (!segment) return null;
  const person = policy.people[segment.personId];
  return {
    personId: segment.personId,
    // An override may name someone the policy does not know (a contractor, say); they are still on call.
    name: person?.name ?? segment.personId,
    timezone: person?.timezone ?? 'UTC',
    contacts: person?.contacts ?? [],
    rotation: segment.rotation,
    layer: segment.layer,
    shiftStart: new Date(segment.start).toISOString(),
    shiftEnd: new Date(segment.end).toISOString(),
    ...(segment.overrideId ? { overrideId: segment.overrideId } : {}),
  };
}

/** The person id on a rotation at an instant, or undefined; the cheap form escalation plans use. */
export function onCallPersonId(policy: Policy, teamId: string, rotation: RotationName, at: number, overrides: Override[] = []): string | undefined {
  return segmentAt(teamOf(policy, teamId), rotation, at, overrides)?.personId;
}

export function onCallAt(policy: Policy, teamId: string, at: Date, overrides: Override[] = []): OnCallAnswer {
  const team = teamOf(policy, teamId);
  const instant = at.getTime();
  const primary = describe(policy, segmentAt(team, 'primary', instant, overrides));
  const secondary = describe(policy, segmentAt(team, 'secondary', instant, overrides));
  return {
    team: team.id,
    at: at.toISOString(),
    primary,
    secondary,
    shiftStart: primary?.shiftStart ?? null,
    shiftEnd: primary?.shiftEnd ?? null,
  };
}
