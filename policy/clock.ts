/**
 * Wall-clock arithmetic in named timezones. Rotations are written in local time ("09:00 Europe/London")
 * and must stay there across DST, so every computation goes through luxon zones, never fixed offsets.
 */
import { DateTime, IANAZone } from 'luxon';

export function isRealTimezone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** "09:30" → minutes after midnight. */
export function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whole days since 1970-01-01 of a local calendar date; DST cannot skew it because no instant is involved. */
export function epochDay(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}

export function parseLocalDate(text: string): { year: number; month: number; day: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

// Schedules ask for the same handoff instants over and over; luxon's zone math is the hot spot, so
// remember answers. A pure function of its arguments, so the cache can never be wrong, only full.
const instants = new Map<string, number>();

/**
 * The instant at which it is `minutes` past midnight on the local date `day` (an epochDay). A time that
 * does not exist (inside a spring-forward gap) moves forward, as clocks do.
 */
export function instantAt(zone: string, day: number, minutes: number): number {
  const key = `${zone}|${day}|${minutes}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const date = new Date(day * 86_400_000);
  const instant = DateTime.fromObject(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone },
  ).toMillis();
  if (instants.size >= 200_000) instants.clear();
  instants.set(key, instant);
  return instant;
}

// Every page planned asks the local clock of "now" in each layer's zone. Where a zone's offset is whole
// minutes, every instant of one UTC minute reads the same local minute, so the answer is remembered per zone
// and minute. Since 1980 every zone's offset is (the last in seconds, Liberia's, ended in 1972); earlier
// instants, and any offset that is not, are worked out each time.
const clocks = new Map<string, Readonly<{ day: number; minutes: number }>>();
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(1980, 0, 1);

/** The local date (as an epochDay) and minutes past midnight of an instant. */
export function localClock(zone: string, at: number): Readonly<{ day: number; minutes: number }> {
  const key = at >= WHOLE_MINUTE_OFFSETS_FROM ? `${zone}|${Math.floor(at / 60_000)}` : undefined;
  const known = key && clocks.get(key);
  if (known) return known;
  const local = DateTime.fromMillis(at, { zone });
  const clock = Object.freeze({ day: epochDay(local.year, local.month, local.day), minutes: local.hour * 60 + local.minute });
  if (key && Number.isInteger(local.offset)) {
    if (clocks.size >= 200_000) clocks.clear();
    clocks.set(key, clock);
  }
  return clock;
}

/** True when local time-of-day `minutes` falls in [from, to), where a window may wrap past midnight. */
export function inDailyWindow(minutes: number, from: number, to: number): boolean {
  return from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

/** "Sat 29 Mar 02:00 UTC" — how instants appear in diffs and simulations. */
export function formatInstant(at: number | Date, zone = 'UTC'): string {
  const local = DateTime.fromMillis(typeof at === 'number' ? at : at.getTime(), { zone });
  return `${local.toFormat('ccc d LLL HH:mm')} ${zone === 'UTC' ? 'UTC' : local.toFormat('ZZZZ')}`;
}

/** A person's clock where they are: what an on-call engineer checks before phoning someone. */
export interface LocalTime {
  text: string;
  /** 00:00–06:00 where they are: a call would wake them. */
  night: boolean;
}

export function localTime(zone: string, at: number): LocalTime {
  const local = DateTime.fromMillis(at, { zone });
  // The place as people say it ("Sydney"), with the offset for anyone converting by hand.
  const place = zone === 'UTC' ? 'UTC' : `${zone.split('/').pop()!.replace(/_/g, ' ')}, ${local.toFormat('ZZZZ')}`;
  return { text: `${local.toFormat('ccc HH:mm')} (${place})`, night: local.hour < 6 };
}
