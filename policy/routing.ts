/** Alert routing: which service, team and severity an incoming alert belongs to. */
import type { Policy, RoutingRule } from './types';

export interface Route {
  service?: string;
  team?: string;
  severity?: string;
  /** Names (or indexes) of the rules that decided something, for the incident's timeline. */
  matchedRules: string[];
  /** Neither a rule nor a known service decided the team: the alert went to the default team. */
  unrouted: boolean;
}

/** Reads a dotted path such as labels.service; non-string leaves are compared as their string form. */
function field(alert: unknown, path: string): string | undefined {
  let value: unknown = alert;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined || value === null || typeof value === 'object' ? undefined : String(value);
}

export function ruleMatches(rule: RoutingRule, alert: unknown): boolean {
  return Object.entries(rule.match).every(([path, matcher]) => {
    const value = field(alert, path);
    if (value === undefined) return false;
    return typeof matcher === 'string' ? value === matcher : new RegExp(matcher.regex).test(value);
  });
}

/**
 * For each of service, team and severity the first matching rule that sets it decides, so general
 * severity rules can sit below specific service rules. The team falls back to the service's owner,
 * then to the default team: every alert reaches someone.
 */
export function routeAlert(policy: Policy, alert: unknown): Route {
  const route: Route = { matchedRules: [], unrouted: false };
  policy.routing.rules.forEach((rule, index) => {
    if (!ruleMatches(rule, alert)) return;
    let decided = false;
    for (const key of ['service', 'team', 'severity'] as const) {
      if (rule[key] !== undefined && route[key] === undefined) {
        route[key] = rule[key];
        decided = true;
      }
    }
    if (decided) route.matchedRules.push(rule.name ?? `rule ${index + 1}`);
  });
  // A `service` label naming a service in policy routes by itself when no rule decided the service.
  const labelled = field(alert, 'labels.service');
  if (route.service === undefined && labelled !== undefined && Object.hasOwn(policy.services, labelled)) route.service = labelled;
  route.unrouted = route.service === undefined && route.team === undefined;
  route.team ??= (route.service ? policy.services[route.service]?.team : undefined) ?? policy.routing.defaultTeam;
  return route;
}
