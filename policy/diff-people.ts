/**
 * What a policy change does to people: who leaves, which rotations shrink below a workable size, which
 * first pages start reaching nobody, and how many on-call and night hours each person carries before
 * and after. The hours are what a reviewer weighs a rota change by, so the diff shows them as numbers.
 */
import { instantAt, localClock } from './clock';
import { describeWindows, firstPageGaps, type FirstPageGap } from './first-page-gaps';
import { rotationSchedule, type Interval } from './schedule';
import { difference } from './diff-shifts';
import type { Policy, RotationName, TeamPolicy } from './types';
import { comfortableRotation } from './validate-team';

const rotations: RotationName[] = ['primary', 'secondary'];
const HOUR = 3_600_000;
/** Night, in the person's own time zone: the hours the rest rule also treats as a night. */
const NIGHT_MINUTES = { from: 0, to: 6 * 60 };

const nameOf = (policies: [Policy, Policy], id: string) => policies[1].people[id]?.name ?? policies[0].people[id]?.name ?? id;

/** First pages that reach nobody after the change where they reached someone before. */
export function newFirstPageGaps(base: Policy, head: Policy, teamId: string, from: number, to: number): string[] {
  const headTeam = head.teams[teamId];
  if (!headTeam) return [];
  const before = new Map<string, FirstPageGap>();
  const baseTeam = base.teams[teamId];
  if (baseTeam) for (const gap of firstPageGaps(base, baseTeam, from, to)) for (const severity of gap.severities) before.set(severity, gap);
  const lines: string[] = [];
  for (const gap of firstPageGaps(head, headTeam, from, to)) {
    // Severities whose first page already had exactly these gaps are not news.
    const opened = gap.severities.filter((severity) => {
      const old = before.get(severity)?.windows ?? [];
      return difference(gap.windows, old).length > 0;
    });
    if (opened.length === 0) continue;
    lines.push(`- **${teamId}**: new gap — the first page of a ${opened.join(', ')} reaches nobody ${describeWindows(gap.windows, from, to)}.`);
  }
  return lines;
}

const distinct = (ids: string[]) => new Set(ids).size;

/** Layers that shrink below the size the policy check calls comfortable, and layers removed outright. */
export function rotationSizeChanges(base: Policy, head: Policy, teamId: string): string[] {
  const lines: string[] = [];
  const before = base.teams[teamId];
  const after = head.teams[teamId];
  if (!before || !after) return lines;
  const { min } = comfortableRotation;
  for (const rotation of rotations) {
    const oldLayers = before.rotations[rotation]?.layers ?? [];
    const newLayers = after.rotations[rotation]?.layers ?? [];
    for (const layer of oldLayers) {
      const now = newLayers.find((candidate) => candidate.name === layer.name);
      const was = distinct(layer.participants);
      if (!now) lines.push(`- **${teamId}** ${rotation}: layer **${layer.name}** is removed (it had ${was} people).`);
      else if (distinct(now.participants) < min && distinct(now.participants) < was) {
        lines.push(`- **${teamId}** ${rotation}: layer **${layer.name}** falls to ${distinct(now.participants)} people (was ${was}), below the minimum of ${min}.`);
      }
    }
    const wasTotal = distinct(oldLayers.flatMap((layer) => layer.participants));
    const nowTotal = distinct(newLayers.flatMap((layer) => layer.participants));
    if (nowTotal < min && nowTotal < wasTotal) lines.push(`- **${teamId}** ${rotation} rotation falls to ${nowTotal} people (was ${wasTotal}), below the minimum of ${min}.`);
  }
  return lines;
}

function onRotation(policy: Policy): Set<string> {
  return new Set(Object.values(policy.teams).flatMap((team) => rotations.flatMap((rotation) => (team.rotations[rotation]?.layers ?? []).flatMap((layer) => layer.participants))));
}

/** People the change removes from the policy, or takes off every rotation. */
export function peopleRemoved(base: Policy, head: Policy): string[] {
  const lines: string[] = [];
  const policies: [Policy, Policy] = [base, head];
  const before = onRotation(base);
  const after = onRotation(head);
  for (const [id, person] of Object.entries(base.people)) {
    if (!head.people[id]) lines.push(`- **${person.name}** (${person.team}) is removed from the policy.`);
    else if (before.has(id) && !after.has(id)) lines.push(`- **${nameOf(policies, id)}** (${head.people[id].team}) is no longer on any rotation.`);
  }
  return lines;
}

export interface Hours {
  onCallMs: number;
  nightMs: number;
  timezone: string;
}

function merge(intervals: Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const interval of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

function nightMs(intervals: Interval[], zone: string): number {
  let total = 0;
  for (const interval of intervals) {
    const last = localClock(zone, interval.end).day;
    for (let day = localClock(zone, interval.start).day - 1; day <= last; day++) {
      const start = Math.max(interval.start, instantAt(zone, day, NIGHT_MINUTES.from));
      const end = Math.min(interval.end, instantAt(zone, day, NIGHT_MINUTES.to));
      if (start < end) total += end - start;
    }
  }
  return total;
}

/** Time zone of the layer that put a person on call, for people the policy does not define. */
function layerZone(team: TeamPolicy, rotation: RotationName, layer: string): string {
  return team.rotations[rotation]?.layers.find((candidate) => candidate.name === layer)?.timezone ?? 'UTC';
}

/**
 * Each person's on-call time (primary and secondary together, overlaps counted once) and the part of it
 * at night in their own time zone, in [from, to).
 */
export function hoursByPerson(policy: Policy, from: number, to: number): Map<string, Hours> {
  const intervals = new Map<string, Interval[]>();
  const zones = new Map<string, string>();
  for (const team of Object.values(policy.teams)) {
    for (const rotation of rotations) {
      for (const segment of rotationSchedule(team, rotation, from, to)) {
        intervals.set(segment.personId, [...(intervals.get(segment.personId) ?? []), segment]);
        if (!zones.has(segment.personId)) zones.set(segment.personId, policy.people[segment.personId]?.timezone ?? layerZone(team, rotation, segment.layer));
      }
    }
  }
  const result = new Map<string, Hours>();
  for (const [personId, list] of intervals) {
    const merged = merge(list);
    const timezone = zones.get(personId) ?? 'UTC';
    result.set(personId, { onCallMs: merged.reduce((sum, i) => sum + i.end - i.start, 0), nightMs: nightMs(merged, timezone), timezone });
  }
  return result;
}

const hours = (ms: number) => `${Math.round((ms / HOUR) * 10) / 10}h`;

/** A Markdown table of everyone whose on-call or night hours change; empty when nobody's do. */
export function hoursTable(base: Policy, head: Policy, from: number, to: number, limit: number): string[] {
  const policies: [Policy, Policy] = [base, head];
  const before = hoursByPerson(base, from, to);
  const after = hoursByPerson(head, from, to);
  const none: Hours = { onCallMs: 0, nightMs: 0, timezone: 'UTC' };
  const rows: string[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(id) ?? none;
    const now = after.get(id) ?? none;
    if (was.onCallMs === now.onCallMs && was.nightMs === now.nightMs) continue;
    const zone = after.get(id)?.timezone ?? was.timezone;
    rows.push(`| ${nameOf(policies, id)} | ${zone} | ${hours(was.onCallMs)} | ${hours(now.onCallMs)} | ${hours(was.nightMs)} | ${hours(now.nightMs)} |`);
  }
  if (rows.length === 0) return [];
  const more = rows.length > limit ? [`…and ${rows.length - limit} more people.`, ''] : [];
  return [
    `### On-call and night hours per person, next ${Math.round((to - from) / 86_400_000)} days`,
    '',
    'Night is 00:00–06:00 in the person’s own time zone; primary and secondary count once where they overlap.',
    '',
    '| person | time zone | on call before | after | at night before | after |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.slice(0, limit),
    '',
    ...more,
  ];
}
