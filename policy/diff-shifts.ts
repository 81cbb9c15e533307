/** Who gains and who loses on-call time when a team's rotations change. */
import { coverageGaps, rotationSchedule, subtract, type Interval, type Segment } from './schedule';
import type { RotationName, TeamPolicy } from './types';

export interface ShiftChange {
  team: string;
  rotation: RotationName;
  personId: string;
  gained: Interval[];
  lost: Interval[];
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** `a` minus `b`, both merged and sorted. */
export function difference(a: Interval[], b: Interval[]): Interval[] {
  return a.flatMap((piece) => subtract(piece, b));
}

function byPerson(segments: Segment[]): Map<string, Interval[]> {
  const result = new Map<string, Interval[]>();
  for (const segment of segments) result.set(segment.personId, [...(result.get(segment.personId) ?? []), segment]);
  for (const [person, intervals] of result) result.set(person, merge(intervals));
  return result;
}

function scheduleOf(team: TeamPolicy | undefined, rotation: RotationName, from: number, to: number): Segment[] {
  return team ? rotationSchedule(team, rotation, from, to) : [];
}

export function shiftChanges(teamId: string, base: TeamPolicy | undefined, head: TeamPolicy | undefined, from: number, to: number): ShiftChange[] {
  const changes: ShiftChange[] = [];
  for (const rotation of ['primary', 'secondary'] as const) {
    const before = byPerson(scheduleOf(base, rotation, from, to));
    const after = byPerson(scheduleOf(head, rotation, from, to));
    for (const personId of new Set([...before.keys(), ...after.keys()])) {
      const gained = difference(after.get(personId) ?? [], before.get(personId) ?? []);
      const lost = difference(before.get(personId) ?? [], after.get(personId) ?? []);
      if (gained.length > 0 || lost.length > 0) changes.push({ team: teamId, rotation, personId, gained, lost });
    }
  }
  return changes;
}

/** Coverage gaps that the change opens and closes. */
export function gapChanges(base: TeamPolicy | undefined, head: TeamPolicy | undefined, from: number, to: number): { opened: Interval[]; closed: Interval[] } {
  const before = base ? coverageGaps(base, from, to) : [];
  const after = head ? coverageGaps(head, from, to) : [];
  return { opened: difference(after, before), closed: difference(before, after) };
}

/** Instants where who is on call may change: where to look for an example of the change. */
export function changePoints(team: TeamPolicy | undefined, from: number, to: number): number[] {
  if (!team) return [];
  return [...scheduleOf(team, 'primary', from, to), ...scheduleOf(team, 'secondary', from, to)].map((segment) => segment.start);
}
