/**
 * Semantic rules beyond the JSON Schemas: references resolve, chains end at a human, services have one
 * owner, durations are sane, and every team has someone on call for the next 14 days.
 */
import { formatInstant } from './clock';
import { formatDuration, parseDuration } from './duration';
import { coverageGaps } from './schedule';
import { problem, type SourceFile } from './source';
import type { PolicySources } from './io/load';
import type { Policy, ServicePolicy } from './types';
import { checkFirstPages } from './validate-first-page';
import { checkAccess } from './validate-access';
import { checkAckWindow, checkTeam, type Findings } from './validate-team';

export const coverageHorizonDays = 14;

function checkSeverities(policy: Policy, file: SourceFile, out: Findings): void {
  const seen = new Set<string>();
  policy.severities.forEach((severity, index) => {
    const at = `/severities/${index}`;
    if (seen.has(severity.name)) out.errors.push(problem(file, `${at}/name`, `severity "${severity.name}" is defined twice`, 'Give each severity a unique name.'));
    seen.add(severity.name);
    if (severity.postmortem.required && severity.postmortem.deadlineBusinessDays === undefined) {
      out.errors.push(problem(file, `${at}/postmortem`, `${severity.name} requires a postmortem but sets no deadline`, 'Add deadlineBusinessDays.'));
    }
    checkAckWindow(file, `${at}/acknowledgementTimeout`, severity.acknowledgementTimeout, `${severity.name} acknowledgementTimeout`, out);
    const cadence = parseDuration(severity.statusUpdateCadence);
    if (cadence < 5 * 60_000)
      out.warnings.push(problem(file, `${at}/statusUpdateCadence`, `updates every ${severity.statusUpdateCadence} leave no time to work on the fix`, 'Use 5m or more.', 'warning'));
    if (cadence > 7 * 86_400_000)
      out.errors.push(problem(file, `${at}/statusUpdateCadence`, `updates every ${severity.statusUpdateCadence} leave customers without news for over a week`, 'Use at most 7d.'));
    if (severity.actionItemDuePeriod && parseDuration(severity.actionItemDuePeriod) > 365 * 86_400_000) {
      out.warnings.push(problem(file, `${at}/actionItemDuePeriod`, `action items due after ${severity.actionItemDuePeriod} are rarely done`, 'Use at most 365d.', 'warning'));
    }
  });
}

function checkOwnership(policy: Policy, sources: PolicySources, declared: Record<string, Partial<ServicePolicy>>, out: Findings): void {
  const servicesFile = sources.services;
  const claims = new Map<string, string>();
  for (const team of Object.values(policy.teams)) {
    const file = sources.teams[team.id];
    team.services.forEach((service, index) => {
      const pointer = `/services/${index}`;
      const previous = claims.get(service);
      if (previous) out.errors.push(problem(file, pointer, `service "${service}" is also owned by team ${previous}`, 'A service has exactly one owning team; remove it from one of the files.'));
      else claims.set(service, team.id);
      if (!(service in declared))
        out.errors.push(problem(file, pointer, `service "${service}" is not listed in config/services.yaml`, 'Add it there (with its status-page component) or fix the spelling.'));
    });
  }
  if (!servicesFile) return;
  for (const [id, service] of Object.entries(declared)) {
    const claimed = claims.get(id);
    if (service.team !== undefined && !policy.teams[service.team]) {
      out.errors.push(problem(servicesFile, `/services/${id}/team`, `team "${service.team}" does not exist`, 'Use the id of a file in config/teams/.'));
    } else if (service.team !== undefined && claimed !== undefined && claimed !== service.team) {
      out.errors.push(
        problem(
          servicesFile,
          `/services/${id}/team`,
          `service "${id}" is owned by ${service.team} here but claimed by team ${claimed}`,
          'A service has exactly one owning team; make the two files agree.',
        ),
      );
    } else if (service.team === undefined && claimed === undefined) {
      out.errors.push(problem(servicesFile, `/services/${id}`, `service "${id}" has no owning team`, `Set team: here or list it under services: in a team file.`));
    }
  }
}

function checkRouting(policy: Policy, file: SourceFile | undefined, out: Findings): void {
  if (!file) return;
  const teamExists = (pointer: string, team: string) => {
    if (!policy.teams[team]) out.errors.push(problem(file, pointer, `team "${team}" does not exist`, 'Use the id of a file in config/teams/.'));
  };
  if (policy.routing.defaultTeam) teamExists('/routing/defaultTeam', policy.routing.defaultTeam);
  policy.routing.rules.forEach((rule, index) => {
    const at = `/routing/rules/${index}`;
    if (rule.team) teamExists(`${at}/team`, rule.team);
    if (rule.service && !policy.services[rule.service]) out.errors.push(problem(file, `${at}/service`, `service "${rule.service}" is not defined`, 'Add it under services: or fix the spelling.'));
    if (rule.severity && !policy.severities.some((severity) => severity.name === rule.severity)) {
      out.errors.push(problem(file, `${at}/severity`, `severity "${rule.severity}" is not defined`, 'Use a name from config/severities.yaml.'));
    }
    if (!rule.service && !rule.team && !rule.severity)
      out.warnings.push(problem(file, at, 'this rule sets no service, team or severity', 'Add what a match should decide, or remove the rule.', 'warning'));
    for (const [field, matcher] of Object.entries(rule.match)) {
      if (typeof matcher === 'string') continue;
      try {
        new RegExp(matcher.regex);
      } catch (error) {
        out.errors.push(problem(file, `${at}/match/${field}/regex`, `invalid regular expression: ${(error as Error).message}`, 'Fix the expression (JavaScript syntax).'));
      }
    }
  });
}

function checkCoverage(policy: Policy, sources: PolicySources, now: Date, out: Findings): void {
  const from = now.getTime();
  const to = from + coverageHorizonDays * 86_400_000;
  for (const team of Object.values(policy.teams)) {
    const gaps = coverageGaps(team, from, to);
    if (gaps.length === 0) continue;
    const total = gaps.reduce((sum, gap) => sum + gap.end - gap.start, 0);
    const first = gaps[0];
    out.warnings.push(
      problem(
        sources.teams[team.id],
        '/rotations/primary',
        `nobody is on call for ${team.id} in ${gaps.length} window(s) over the next ${coverageHorizonDays} days (${formatDuration(total)} in all), first ${formatInstant(first.start)} – ${formatInstant(first.end)}`,
        "Widen a layer's hours, add a layer, or add a secondary rotation that covers the gap.",
        'warning',
      ),
    );
  }
  checkFirstPages(policy, sources, from, to, out);
}

export function validatePolicy(
  policy: Policy,
  sources: PolicySources,
  declaredServices: Record<string, Partial<ServicePolicy>>,
  out: Findings,
  options: { now?: Date; skipCoverage?: boolean } = {},
): void {
  checkSeverities(policy, sources.severities, out);
  for (const team of Object.values(policy.teams)) checkTeam(policy, team, sources.teams[team.id], out);
  checkOwnership(policy, sources, declaredServices, out);
  checkRouting(policy, sources.services, out);
  checkAccess(policy, sources.access, out);
  // Schedules of a policy with broken references or timezones mean nothing; judge coverage only once it is sound.
  if (out.errors.length === 0 && !options.skipCoverage) checkCoverage(policy, sources, options.now ?? new Date(), out);
}
