/** Quiet hours: low severities wait for the responder's morning instead of waking them. */
import { inDailyWindow, instantAt, localClock, minutesOfDay } from './clock';
import type { Policy, TeamPolicy } from './types';

/** When a page of this severity to this person may be delivered: `at` itself, or the end of their quiet hours. */
export function deliverableAt(policy: Policy, team: TeamPolicy, severity: string, personId: string, at: number): number {
  const quiet = team.quietHours;
  const person = policy.people[personId];
  if (!quiet || !person || !quiet.severities.includes(severity)) return at;
  const from = minutesOfDay(quiet.from);
  const to = minutesOfDay(quiet.to);
  const clock = localClock(person.timezone, at);
  if (!inDailyWindow(clock.minutes, from, to)) return at;
  // In a window that wraps midnight, the evening part ends tomorrow morning.
  const endDay = from > to && clock.minutes >= from ? clock.day + 1 : clock.day;
  return instantAt(person.timezone, endDay, to);
}
