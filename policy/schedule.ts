/**
 * Who holds a rotation over a span of time, as a list of on-call segments. On-call lookups, coverage
 * gaps and diffs all read the same schedule so they can never disagree.
 */
import { epochDay, instantAt, localClock, minutesOfDay, parseLocalDate } from './clock';
import { shiftDays } from './duration';
import type { Override, RotationLayer, RotationName, TeamPolicy } from './types';

export interface Segment {
  personId: string;
  start: number;
  end: number;
  rotation: RotationName;
  layer: string;
  /** Set when an override, not the rotation, put this person here. */
  overrideId?: string;
}

export type Interval = { start: number; end: number };

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The segments one layer produces in [from, to), ignoring every other layer. */
export function layerSegments(layer: RotationLayer, rotation: RotationName, from: number, to: number): Segment[] {
  const date = parseLocalDate(layer.start);
  if (!date || layer.participants.length === 0) return [];
  const length = shiftDays(layer.shift);
  const handoff = minutesOfDay(layer.handoff);
  const firstDay = epochDay(date.year, date.month, date.day);
  // Compare instants, not clock readings: a handoff inside a spring-forward gap happens later than it reads.
  let today = localClock(layer.timezone, from).day;
  if (instantAt(layer.timezone, today, handoff) > from) today -= 1;
  const lastDay = layer.hours ? localClock(layer.timezone, to).day : 0;
  const segments: Segment[] = [];
  for (let index = Math.floor((today - firstDay) / length); ; index++) {
    const shiftDay = firstDay + index * length;
    const shiftStart = instantAt(layer.timezone, shiftDay, handoff);
    if (shiftStart >= to) break;
    const shiftEnd = instantAt(layer.timezone, shiftDay + length, handoff);
    const personId = layer.participants[mod(index, layer.participants.length)];
    // Only the local days that touch [from, to) can hold a window that matters.
    const windows: Interval[] = layer.hours ? dailyWindows(layer, Math.max(shiftDay - 1, today - 1), Math.min(shiftDay + length, lastDay + 1)) : [{ start: shiftStart, end: shiftEnd }];
    for (const window of windows) {
      const start = Math.max(window.start, shiftStart, from);
      const end = Math.min(window.end, shiftEnd, to);
      if (start < end) segments.push({ personId, start, end, rotation, layer: layer.name });
    }
  }
  return segments;
}

function dailyWindows(layer: RotationLayer, firstDay: number, lastDay: number): Interval[] {
  const from = minutesOfDay(layer.hours!.from);
  const to = minutesOfDay(layer.hours!.to);
  const windows: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    windows.push({ start: instantAt(layer.timezone, day, from), end: instantAt(layer.timezone, to > from ? day : day + 1, to) });
  }
  return windows;
}

/** `piece` minus every interval in `taken` (sorted by start). */
export function subtract(piece: Interval, taken: Interval[]): Interval[] {
  const left: Interval[] = [];
  let cursor = piece.start;
  for (const cut of taken) {
    if (cut.end <= cursor || cut.start >= piece.end) continue;
    if (cut.start > cursor) left.push({ start: cursor, end: cut.start });
    cursor = Math.max(cursor, cut.end);
  }
  if (cursor < piece.end) left.push({ start: cursor, end: piece.end });
  return left;
}

function toMillis(value: string | Date): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}

function overrideApplies(override: Override, team: string, rotation: RotationName): boolean {
  if (override.team !== team) return false;
  return (override.rotation ?? (override.replaces ? rotation : 'primary')) === rotation;
}

/** Later overrides win over earlier ones, and every override wins over the rotation. */
function applyOverrides(segments: Segment[], overrides: Override[], team: string, rotation: RotationName, from: number, to: number): Segment[] {
  let result = segments;
  for (const override of overrides) {
    if (!overrideApplies(override, team, rotation)) continue;
    const window = { start: Math.max(from, toMillis(override.from)), end: Math.min(to, toMillis(override.to)) };
    if (!(window.start < window.end)) continue;
    const next: Segment[] = [];
    const cover = (start: number, end: number, layer: string) => next.push({ personId: override.person, start, end, rotation, layer, overrideId: override.id });
    for (const segment of result) {
      const hit = override.replaces === undefined || segment.personId === override.replaces;
      if (!hit || segment.end <= window.start || segment.start >= window.end) {
        next.push(segment);
        continue;
      }
      for (const rest of subtract(segment, [window])) next.push({ ...segment, ...rest });
      if (override.replaces !== undefined) cover(Math.max(segment.start, window.start), Math.min(segment.end, window.end), segment.layer);
    }
    if (override.replaces === undefined) cover(window.start, window.end, 'override');
    result = next.sort((a, b) => a.start - b.start);
  }
  return result;
}

/** The final schedule of a team's rotation in [from, to): layers by precedence, then overrides. */
export function rotationSchedule(team: TeamPolicy, rotation: RotationName, from: number, to: number, overrides: Override[] = []): Segment[] {
  const layers = team.rotations[rotation]?.layers ?? [];
  const placed: Segment[] = [];
  for (const layer of layers) {
    const taken = [...placed].sort((a, b) => a.start - b.start);
    for (const segment of layerSegments(layer, rotation, from, to)) {
      for (const piece of subtract(segment, taken)) placed.push({ ...segment, ...piece });
    }
  }
  placed.sort((a, b) => a.start - b.start);
  return applyOverrides(placed, overrides, team.id, rotation, from, to);
}

/** The longest a single segment can last, so a lookup window around an instant always holds its whole segment. */
export function longestShiftMs(team: TeamPolicy): number {
  const layers = [...team.rotations.primary.layers, ...(team.rotations.secondary?.layers ?? [])];
  return Math.max(1, ...layers.map((layer) => shiftDays(layer.shift))) * 86_400_000 + 2 * 3_600_000;
}

/** Windows in [from, to) with nobody on either rotation: a page would reach no one. */
export function coverageGaps(team: TeamPolicy, from: number, to: number, overrides: Override[] = []): Interval[] {
  const covered = [...rotationSchedule(team, 'primary', from, to, overrides), ...rotationSchedule(team, 'secondary', from, to, overrides)].sort((a, b) => a.start - b.start);
  return subtract({ start: from, end: to }, covered);
}
