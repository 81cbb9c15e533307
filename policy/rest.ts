/**
 * The rest rule: whoever is paged for a SEV1/SEV2 between 00:00 and 06:00 in their own timezone comes off
 * the rotation for the rest of that day. It is applied as an ordinary override so it shows in on-call
 * answers, expires by itself, and can be removed like any other.
 */
import { inDailyWindow, instantAt, localClock, minutesOfDay } from './clock';
import { teamOf } from './oncall';
import type { Override, Policy, RotationName } from './types';

export interface NightPage {
  personId: string;
  severity: string;
  at: Date;
}

/** Whoever takes the rester's layer next, so the cover is someone already in the same rotation. */
function relief(policy: Policy, teamId: string, personId: string): { rotation: RotationName; person: string } | undefined {
  const team = teamOf(policy, teamId);
  for (const rotation of ['primary', 'secondary'] as const) {
    for (const layer of team.rotations[rotation]?.layers ?? []) {
      if (!layer.participants.includes(personId)) continue;
      const position = layer.participants.indexOf(personId);
      for (let step = 1; step < layer.participants.length; step++) {
        const candidate = layer.participants[(position + step) % layer.participants.length];
        if (candidate !== personId) return { rotation, person: candidate };
      }
    }
  }
  return undefined;
}

/** Whether the team's rest rule can follow a page of this severity at all (at some hour, for someone). */
export function restRuleCovers(policy: Policy, teamId: string, severity: string): boolean {
  const { restRule } = teamOf(policy, teamId);
  return restRule.enabled && restRule.severities.includes(severity);
}

/** The override the rest rule calls for after a page, or null when the rule does not apply. */
export function restOverride(policy: Policy, teamId: string, page: NightPage): Override | null {
  const team = teamOf(policy, teamId);
  const person = policy.people[page.personId];
  if (!restRuleCovers(policy, teamId, page.severity) || !person) return null;
  const night = team.restRule.night;
  const clock = localClock(person.timezone, page.at.getTime());
  if (!inDailyWindow(clock.minutes, minutesOfDay(night.from), minutesOfDay(night.to))) return null;
  const cover = relief(policy, teamId, page.personId);
  if (!cover) return null;
  // A page at 03:00 means the day that has just begun is the one to rest; a window that starts before
  // midnight (22:00–06:00) and a page at 23:00 means tomorrow. The rest ends at that day's local midnight.
  const restDay = minutesOfDay(night.from) > minutesOfDay(night.to) && clock.minutes >= minutesOfDay(night.from) ? clock.day + 1 : clock.day;
  const until = instantAt(person.timezone, restDay + 1, 0);
  return {
    id: `rest:${teamId}:${page.personId}:${page.at.toISOString()}`,
    team: teamId,
    person: cover.person,
    replaces: page.personId,
    from: page.at.toISOString(),
    to: new Date(until).toISOString(),
    reason: `rest rule: ${person.name} was paged for a ${page.severity} at ${String(Math.floor(clock.minutes / 60)).padStart(2, '0')}:${String(clock.minutes % 60).padStart(2, '0')} ${person.timezone}`,
  };
}
