/**
 * What the on-call screens show, read from the policy's own schedule (policy/schedule.ts, policy/oncall.ts)
 * with the team's active overrides: who holds each rotation now, and the next 14 days laid out by local
 * day in a zone the reader picks. Pure: the routes fetch overrides, this only arranges the answer.
 */
import { DateTime } from 'luxon';
import { instantAt, localClock, localTime, type LocalTime } from '../../../policy/clock';

export type { LocalTime };
import { onCallAt, type OnCallAnswer } from '../../../policy/oncall';
import { rotationSchedule, subtract, type Interval, type Segment } from '../../../policy/schedule';
import type { Override, Policy, RotationName, TeamPolicy } from '../../../policy/types';

export const SCHEDULE_DAYS = 14;

export interface TeamNow {
  team: TeamPolicy;
  answer: OnCallAnswer;
  primaryTime?: LocalTime;
  secondaryTime?: LocalTime;
}

export function teamNow(policy: Policy, teamId: string, overrides: Override[], now: number): TeamNow {
  const answer = onCallAt(policy, teamId, new Date(now), overrides);
  return {
    team: policy.teams[teamId],
    answer,
    primaryTime: answer.primary ? localTime(answer.primary.timezone, now) : undefined,
    secondaryTime: answer.secondary ? localTime(answer.secondary.timezone, now) : undefined,
  };
}

/** Zones worth reading a team's schedule in: UTC, its layers' and its members' (sorted, each once). */
export function scheduleZones(team: TeamPolicy): string[] {
  const layers = [...team.rotations.primary.layers, ...(team.rotations.secondary?.layers ?? [])].map((layer) => layer.timezone);
  return ['UTC', ...[...new Set([...layers, ...team.members.map((member) => member.timezone)])].filter((zone) => zone !== 'UTC').sort()];
}

export interface Row {
  rotation: RotationName;
  /** What pages follow: layers by precedence, then overrides; each segment names its layer. */
  segments: Segment[];
}

export interface ScheduleDay {
  /** Midnight to midnight in the chosen zone (23 or 25 hours on a clock-change day). */
  start: number;
  end: number;
  label: string;
}

export interface TeamSchedule {
  team: TeamPolicy;
  zone: string;
  from: number;
  to: number;
  now: number;
  days: ScheduleDay[];
  /** The primary, then the secondary when the team has one. */
  rows: Row[];
  /** No primary: a page's first level reaches the secondary at best. */
  gaps: Interval[];
}

/** The 14 local days from today's midnight in `zone`. */
export function teamSchedule(policy: Policy, teamId: string, overrides: Override[], now: number, zone: string): TeamSchedule {
  const team = policy.teams[teamId];
  const today = localClock(zone, now).day;
  const days: ScheduleDay[] = Array.from({ length: SCHEDULE_DAYS }, (_, index) => {
    const start = instantAt(zone, today + index, 0);
    return { start, end: instantAt(zone, today + index + 1, 0), label: DateTime.fromMillis(start, { zone }).toFormat('ccc d LLL') };
  });
  const from = days[0].start;
  const to = days[days.length - 1].end;
  const rows: Row[] = [];
  const rotations: RotationName[] = team.rotations.secondary ? ['primary', 'secondary'] : ['primary'];
  for (const rotation of rotations) rows.push({ rotation, segments: rotationSchedule(team, rotation, from, to, overrides) });
  const gaps = subtract({ start: from, end: to }, rows[0].segments);
  return { team, zone, from, to, now, days, rows, gaps };
}

/** Each piece of `intervals` that falls on `day`, cut to it; `whole` keeps the uncut times to tell. */
export function onDay<T extends Interval>(intervals: T[], day: ScheduleDay): (T & { whole: Interval })[] {
  return intervals.flatMap((piece) =>
    piece.end <= day.start || piece.start >= day.end ? [] : [{ ...piece, start: Math.max(piece.start, day.start), end: Math.min(piece.end, day.end), whole: { start: piece.start, end: piece.end } }],
  );
}

/** "Mon 30 Nov 09:00" in the schedule's zone. */
export const clockIn = (zone: string, at: number): string => DateTime.fromMillis(at, { zone }).toFormat('ccc d LLL HH:mm');
