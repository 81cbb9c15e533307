/**
 * Windows in which a severity's first escalation level reaches nobody. The coverage-gap check asks
 * whether anyone at all is on call; this asks whether the first page lands on a person, which is what
 * matters for the first acknowledgement timeout of a SEV1. Computed on intervals of the schedule (exact
 * at every handoff and hub boundary), not by sampling instants.
 */
import { formatInstant } from './clock';
import { formatDuration } from './duration';
import { escalationPolicyFor } from './escalation';
import { rotationSchedule, subtract, type Interval } from './schedule';
import type { EscalationPolicy, Policy, RotationName, TeamPolicy } from './types';

export interface FirstPageGap {
  team: string;
  /** Severities whose chain has this first level; several share the default chain. */
  severities: string[];
  /** JSON pointer of the first level in the team file. */
  pointer: string;
  windows: Interval[];
}

const DAY = 86_400_000;

function covered(policy: Policy, team: TeamPolicy, chain: EscalationPolicy, from: number, to: number, cache: Map<string, Interval[]>): Interval[] | 'always' {
  const intervals: Interval[] = [];
  for (const target of chain.levels[0]?.targets ?? []) {
    // A named person or a team lead exists at every instant; only rotations can be empty.
    if (target.kind !== 'rotation') return 'always';
    const owner = policy.teams[target.team ?? team.id];
    if (!owner) continue;
    const key = `${owner.id}\0${target.rotation}`;
    let schedule = cache.get(key);
    if (!schedule) {
      schedule = rotationSchedule(owner, target.rotation as RotationName, from, to);
      cache.set(key, schedule);
    }
    intervals.push(...schedule);
  }
  return intervals.sort((a, b) => a.start - b.start);
}

/** For each distinct first level of a team's chains, the windows in [from, to) it reaches nobody. */
export function firstPageGaps(policy: Policy, team: TeamPolicy, from: number, to: number, cache = new Map<string, Interval[]>()): FirstPageGap[] {
  const chains = new Map<string, FirstPageGap>();
  for (const severity of policy.severities) {
    const chain = escalationPolicyFor(team, severity.name);
    const own = team.escalation.bySeverity?.[severity.name] !== undefined;
    const pointer = own ? `/escalation/bySeverity/${severity.name}/levels/0` : '/escalation/default/levels/0';
    const known = chains.get(pointer);
    if (known) {
      known.severities.push(severity.name);
      continue;
    }
    const reach = covered(policy, team, chain, from, to, cache);
    chains.set(pointer, { team: team.id, severities: [severity.name], pointer, windows: reach === 'always' ? [] : subtract({ start: from, end: to }, reach) });
  }
  return [...chains.values()].filter((gap) => gap.windows.length > 0);
}

const clock = (ms: number) => {
  const minutes = Math.round((((ms % DAY) + DAY) % DAY) / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

/**
 * "01:00–07:00 UTC daily" when the windows repeat at the same UTC time every day (the usual shape of a
 * missing follow-the-sun hub), otherwise the first concrete window. Windows cut by the edges of the
 * period checked are left out of the pattern, since they are only part of a day's gap.
 */
export function describeWindows(windows: Interval[], from: number, to: number): string {
  const days = Math.round((to - from) / DAY);
  const total = `${formatDuration(windows.reduce((sum, w) => sum + w.end - w.start, 0))} in the next ${days} days`;
  const whole = windows.filter((w) => w.start > from && w.end < to);
  const [first] = whole;
  const daily =
    whole.length >= 2 &&
    first.end - first.start < DAY &&
    whole.every((w, index) => w.end - w.start === first.end - first.start && w.start - first.start === index * DAY) &&
    // Every day of the period must have its window, or it is not "daily".
    windows.length >= days - 1;
  if (daily) return `${clock(first.start)}–${clock(first.end)} UTC daily (${windows.length} windows, ${total})`;
  const span = `${formatInstant(windows[0].start)} – ${formatInstant(windows[0].end)}`;
  return windows.length === 1 ? `${span} (${total})` : `${span} (the first of ${windows.length} windows, ${total})`;
}
