/**
 * The local clock of an instant, remembered per zone and minute: every answer must be what luxon says for
 * that very instant, across DST changes (second by second around them), asked twice, and where an offset
 * was in seconds (Amsterdam's +00:19:32 until 1937, Monrovia's -00:44:30 until 1972).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { epochDay, localClock } from '../../policy/clock';

function expected(zone: string, at: number) {
  const local = DateTime.fromMillis(at, { zone });
  return { day: epochDay(local.year, local.month, local.day), minutes: local.hour * 60 + local.minute };
}

function checkAround(zone: string, iso: string, seconds: number, step = 1) {
  const centre = Date.parse(iso);
  const instants: number[] = [];
  for (let offset = -seconds; offset <= seconds; offset += step) instants.push(centre + offset * 1000 + (offset % 7) * 113);
  // Forwards, then backwards: an answer remembered from later in a minute must not be given for earlier in it.
  for (const at of [...instants, ...instants.reverse()]) expect(localClock(zone, at), `${zone} ${new Date(at).toISOString()}`).toEqual(expected(zone, at));
}

describe('localClock', () => {
  it('reads every second around spring-forward and fall-back right, in zones east and west and at half hours', () => {
    checkAround('Europe/London', '2026-03-29T01:00:00Z', 150);
    checkAround('Europe/London', '2026-10-25T01:00:00Z', 150);
    checkAround('America/New_York', '2026-03-08T07:00:00Z', 150);
    checkAround('Australia/Sydney', '2026-04-04T16:00:00Z', 150);
    checkAround('Asia/Kolkata', '2026-12-07T18:29:00Z', 150);
    checkAround('Australia/Lord_Howe', '2026-10-03T15:30:00Z', 150);
  });

  it('reads instants from when offsets were in seconds right', () => {
    checkAround('Europe/Amsterdam', '1937-06-30T23:40:28Z', 120);
    checkAround('Africa/Monrovia', '1972-01-07T00:44:30Z', 120);
  });

  it('answers each minute of a long range as luxon does (a simulation over weeks)', () => {
    const from = Date.parse('2026-10-20T00:00:00Z');
    for (let at = from; at < from + 14 * 86_400_000; at += 7 * 60_000 + 13_000) expect(localClock('America/Los_Angeles', at)).toEqual(expected('America/Los_Angeles', at));
  });
});
