/**
 * What a policy change does, as Markdown for a pull-request comment: consequences for people and
 * incidents (who is paged, when, how fast help arrives), never the YAML that changed.
 */
import { formatInstant } from './clock';
import { hoursTable, newFirstPageGaps, peopleRemoved, rotationSizeChanges } from './diff-people';
import { changePoints, gapChanges, shiftChanges, type ShiftChange } from './diff-shifts';
import { formatDuration } from './duration';
import { escalationPlan, firstPageTargets, timeToSecondHuman } from './escalation';
import type { Interval } from './schedule';
import type { Policy, SeverityPolicy, TeamPolicy } from './types';

function referencedTeams(team: TeamPolicy): string[] {
  const chains = [team.escalation.default, ...Object.values(team.escalation.bySeverity ?? {})];
  return chains.flatMap((chain) => chain.levels.flatMap((level) => level.targets.flatMap((target) => ('team' in target && target.team ? [target.team] : []))));
}

export interface DiffOptions {
  from: Date;
  days: number;
  /** Teams listed in detail per section before the rest are summarised; keeps comments readable. */
  maxTeams?: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const span = (interval: Interval) => `${formatInstant(interval.start)} – ${formatInstant(interval.end)}`;
const total = (intervals: Interval[]) => formatDuration(intervals.reduce((sum, i) => sum + i.end - i.start, 0));

function nameOf(policy: Policy, other: Policy, personId: string): string {
  return policy.people[personId]?.name ?? other.people[personId]?.name ?? personId;
}

function names(policies: [Policy, Policy], ids: string[]): string {
  return ids.length === 0 ? 'nobody' : ids.map((id) => nameOf(policies[0], policies[1], id)).join(' and ');
}

const severityFields: [keyof SeverityPolicy, string][] = [
  ['acknowledgementTimeout', 'acknowledgement timeout'],
  ['escalationRepeats', 'escalation repeats'],
  ['statusUpdateCadence', 'status-update cadence'],
  ['rolesRequired', 'roles required'],
  ['publicStatusPage', 'on the public status page'],
  ['postmortem', 'postmortem'],
  ['actionItemDuePeriod', 'action items due after'],
  ['autoResolveOnRecovery', 'auto-resolve on recovery'],
];

const show = (value: unknown) => (value === undefined ? '—' : Array.isArray(value) ? value.join(', ') || 'none' : typeof value === 'object' ? JSON.stringify(value) : String(value));

function severitySection(base: Policy, head: Policy): string[] {
  const rows: string[] = [];
  const names = new Set([...base.severities, ...head.severities].map((severity) => severity.name));
  for (const name of names) {
    const before = base.severities.find((severity) => severity.name === name);
    const after = head.severities.find((severity) => severity.name === name);
    if (!before || !after) {
      rows.push(`| ${name} | severity | ${before ? 'defined' : '—'} | ${after ? 'defined' : 'removed'} |`);
      continue;
    }
    for (const [field, label] of severityFields) {
      if (!same(before[field], after[field])) rows.push(`| ${name} | ${label} | ${show(before[field])} | ${show(after[field])} |`);
    }
  }
  return rows.length === 0 ? [] : ['### Severities', '', '| severity | what | before | after |', '| --- | --- | --- | --- |', ...rows, ''];
}

/** Teams whose escalation may behave differently: changed themselves, or reaching into a changed team. */
function affectedTeams(base: Policy, head: Policy, changed: Set<string>): string[] {
  const severitiesChanged = !same(base.severities, head.severities);
  return Object.keys(head.teams).filter((id) => {
    if (!base.teams[id]) return false;
    if (severitiesChanged || changed.has(id)) return true;
    return referencedTeams(head.teams[id]).some((ref) => changed.has(ref));
  });
}

function escalationSection(base: Policy, head: Policy, teams: string[], from: Date, limit: number): string[] {
  const lines: string[] = [];
  const severity = head.severities[0]?.name;
  if (!severity || !base.severities.some((s) => s.name === severity)) return [];
  for (const team of teams) {
    const before = timeToSecondHuman(escalationPlan(base, team, severity, from));
    const after = timeToSecondHuman(escalationPlan(head, team, severity, from));
    if (before === after) continue;
    const say = (ms: number | null) => (ms === null ? 'never' : formatDuration(ms));
    lines.push(`- **${team}**: an unacknowledged ${severity} reaches a second person after **${say(after)}** (was ${say(before)}).`);
  }
  return section(`### Time for an unacknowledged ${severity} to reach a second person`, lines, limit);
}

function section(title: string, lines: string[], limit: number): string[] {
  if (lines.length === 0) return [];
  const more = lines.length > limit ? [`- …and ${lines.length - limit} more.`] : [];
  return [title, '', ...lines.slice(0, limit), ...more, ''];
}

function describeShiftChange(policies: [Policy, Policy], change: ShiftChange): string {
  const who = nameOf(policies[1], policies[0], change.personId);
  const part = (verb: string, intervals: Interval[]) => {
    if (intervals.length === 0) return '';
    const listed = intervals.slice(0, 3).map(span).join('; ');
    return `${verb} ${intervals.length} shift(s), ${total(intervals)} (${listed}${intervals.length > 3 ? '; …' : ''})`;
  };
  return `- ${who} (${change.rotation}) ${[part('gains', change.gained), part('loses', change.lost)].filter(Boolean).join(' and ')}`;
}

/** The first instant in the window where the most severe page goes to someone else. */
function example(policies: [Policy, Policy], teamId: string, from: number, to: number): string | undefined {
  const [base, head] = policies;
  const severity = head.severities[0]?.name;
  if (!severity || !base.teams[teamId] || !head.teams[teamId]) return undefined;
  const instants = [...new Set([from, ...changePoints(base.teams[teamId], from, to), ...changePoints(head.teams[teamId], from, to)])].sort((a, b) => a - b);
  for (const at of instants) {
    const before = firstPageTargets(base, teamId, severity, at);
    const after = firstPageTargets(head, teamId, severity, at);
    if (!same(before, after)) return `- e.g. a ${severity} for ${teamId} at ${formatInstant(at)} now pages ${names(policies, after)} instead of ${names(policies, before)}.`;
  }
  return undefined;
}

function teamsSection(policies: [Policy, Policy], changed: string[], from: number, to: number, days: number, limit: number): string[] {
  const [base, head] = policies;
  const shifts: string[] = [];
  const gaps: string[] = [];
  for (const teamId of changed.slice(0, limit)) {
    const changes = shiftChanges(teamId, base.teams[teamId], head.teams[teamId], from, to);
    if (changes.length > 0) {
      shifts.push(`**${teamId}**`, '', ...changes.map((change) => describeShiftChange(policies, change)));
      const line = example(policies, teamId, from, to);
      if (line) shifts.push(line);
      shifts.push('');
    }
    const { opened, closed } = gapChanges(base.teams[teamId], head.teams[teamId], from, to);
    for (const gap of opened) gaps.push(`- **${teamId}**: nobody on call ${span(gap)} (new gap)`);
    for (const gap of closed) gaps.push(`- ${teamId}: the gap ${span(gap)} is now covered`);
  }
  const out: string[] = [];
  if (shifts.length > 0) out.push(`### On-call shifts, next ${days} days (from ${formatInstant(from)})`, '', ...shifts);
  if (changed.length > limit) out.push(`…and ${changed.length - limit} more changed teams, not shown.`, '');
  return [...out, ...section('### Coverage gaps', gaps, limit)];
}

function servicesSection(base: Policy, head: Policy, limit: number): string[] {
  const lines: string[] = [];
  for (const id of new Set([...Object.keys(base.services), ...Object.keys(head.services)])) {
    const before = base.services[id];
    const after = head.services[id];
    if (!before) lines.push(`- **${id}** is new, owned by ${after.team}.`);
    else if (!after) lines.push(`- **${id}** is removed (was owned by ${before.team}).`);
    else if (before.team !== after.team) lines.push(`- **${id}** changes owner: ${before.team} → **${after.team}**; its alerts and incidents page ${after.team} from now on.`);
    else if (before.component !== after.component) lines.push(`- ${id} moves on the status page: ${before.component ?? 'none'} → ${after.component ?? 'none'}.`);
  }
  if (base.routing.defaultTeam !== head.routing.defaultTeam) {
    lines.push(`- Unrouted alerts now go to **${head.routing.defaultTeam ?? 'nobody'}** (was ${base.routing.defaultTeam ?? 'nobody'}).`);
  }
  if (!same(base.routing.rules, head.routing.rules)) lines.push(`- Alert routing rules change (${base.routing.rules.length} → ${head.routing.rules.length} rules).`);
  return section('### Services and routing', lines, limit);
}

export function policyDiff(base: Policy, head: Policy, options: DiffOptions): string {
  const from = options.from.getTime();
  const to = from + options.days * 86_400_000;
  const limit = options.maxTeams ?? 20;
  const policies: [Policy, Policy] = [base, head];
  const teamIds = [...new Set([...Object.keys(base.teams), ...Object.keys(head.teams)])].sort();
  const changed = teamIds.filter((id) => !same(base.teams[id], head.teams[id]));
  const added = changed.filter((id) => !base.teams[id]);
  const removed = changed.filter((id) => !head.teams[id]);
  const body = [
    ...severitySection(base, head),
    ...section('### Teams', [...added.map((id) => `- **${id}** is new.`), ...removed.map((id) => `- **${id}** is removed.`)], limit),
    ...escalationSection(base, head, affectedTeams(base, head, new Set(changed)), options.from, limit),
    ...teamsSection(policies, changed, from, to, options.days, limit),
    ...section(
      '### First pages that reach nobody',
      // A team whose first page goes to another team's rotation can lose its cover without changing itself.
      [...new Set([...changed, ...affectedTeams(base, head, new Set(changed))])].sort().flatMap((id) => newFirstPageGaps(base, head, id, from, to)),
      limit,
    ),
    ...section('### People and rotation sizes', [...peopleRemoved(base, head), ...changed.flatMap((id) => rotationSizeChanges(base, head, id))], limit),
    ...(changed.length > 0 ? hoursTable(base, head, from, to, 3 * limit) : []),
    ...servicesSection(base, head, limit),
  ];
  const title = `## Policy change ${base.version} → ${head.version}`;
  if (body.length === 0) return `${title}\n\nNo change in behaviour: pages, shifts, timeouts and ownership stay the same.\n`;
  return [title, '', ...body].join('\n');
}
