/**
 * The escalation plan: who is paged when if nobody acknowledges. Rotation targets are resolved at the
 * moment each level is paged, so a handoff during an incident pages the incoming person.
 */
import { parseDuration } from './duration';
import { onCallPersonId, teamOf } from './oncall';
import { deliverableAt } from './quiet';
import type { EscalationPolicy, EscalationTarget, Override, Policy, SeverityPolicy, TeamPolicy } from './types';

export interface EscalationStep {
  /** Time from the incident being raised to this page. */
  afterMs: number;
  at: string;
  /** 1-based level in the chain. */
  level: number;
  /** 0 for the first pass through the chain, 1.. for repeats. */
  round: number;
  kind: EscalationTarget['kind'] | 'mixed';
  /** Person ids paged, without duplicates. */
  targets: string[];
  /** Targets that reached nobody at that moment, e.g. "secondary rotation of web (nobody on call)". */
  unresolved: string[];
  /** How long this page has before the next step. */
  ackTimeoutMs: number;
}

export interface EscalationPlan {
  team: string;
  severity: string;
  at: string;
  /** Set when quiet hours hold the first page until the responder's morning. */
  heldUntil: string | null;
  repeats: number;
  steps: EscalationStep[];
  /** When the last step's acknowledgement timeout runs out and nobody is left to page. */
  exhaustedAfterMs: number;
}

export class UnknownSeverityError extends Error {
  constructor(readonly severity: string) {
    super(`unknown severity "${severity}"`);
  }
}

export function severityOf(policy: Policy, name: string): SeverityPolicy {
  const severity = policy.severities.find((candidate) => candidate.name === name);
  if (!severity) throw new UnknownSeverityError(name);
  return severity;
}

export function escalationPolicyFor(team: TeamPolicy, severity: string): EscalationPolicy {
  return team.escalation.bySeverity?.[severity] ?? team.escalation.default;
}

export function describeTarget(team: TeamPolicy, target: EscalationTarget): string {
  switch (target.kind) {
    case 'rotation':
      return `${target.rotation} rotation of ${target.team ?? team.id}`;
    case 'person':
      return target.person;
    case 'team-lead':
      return `lead of ${target.team ?? team.id}`;
  }
}

function resolveTarget(policy: Policy, team: TeamPolicy, target: EscalationTarget, at: number, overrides: Override[]): string | undefined {
  switch (target.kind) {
    case 'rotation':
      return onCallPersonId(policy, target.team ?? team.id, target.rotation, at, overrides);
    case 'person':
      return target.person;
    case 'team-lead':
      return policy.teams[target.team ?? team.id]?.lead;
  }
}

function stepsFrom(policy: Policy, team: TeamPolicy, severity: SeverityPolicy, start: number, offset: number, overrides: Override[]) {
  const chain = escalationPolicyFor(team, severity.name);
  const repeats = chain.repeats ?? severity.escalationRepeats;
  const steps: EscalationStep[] = [];
  let afterMs = offset;
  for (let round = 0; round <= repeats; round++) {
    chain.levels.forEach((level, index) => {
      const at = start + afterMs - offset;
      const targets: string[] = [];
      const unresolved: string[] = [];
      for (const target of level.targets) {
        const personId = resolveTarget(policy, team, target, at, overrides);
        if (personId === undefined) unresolved.push(`${describeTarget(team, target)} (nobody on call)`);
        else if (!targets.includes(personId)) targets.push(personId);
      }
      const kinds = new Set(level.targets.map((target) => target.kind));
      const ackTimeoutMs = parseDuration(level.delay ?? severity.acknowledgementTimeout);
      steps.push({ afterMs, at: new Date(at).toISOString(), level: index + 1, round, kind: kinds.size === 1 ? [...kinds][0] : 'mixed', targets, unresolved, ackTimeoutMs });
      afterMs += ackTimeoutMs;
    });
  }
  return { repeats, steps, exhaustedAfterMs: afterMs };
}

export function escalationPlan(policy: Policy, teamId: string, severityName: string, at: Date, overrides: Override[] = []): EscalationPlan {
  const team = teamOf(policy, teamId);
  const severity = severityOf(policy, severityName);
  const raised = at.getTime();
  let plan = stepsFrom(policy, team, severity, raised, 0, overrides);
  let heldUntil: string | null = null;
  const first = plan.steps[0]?.targets ?? [];
  if (first.length > 0) {
    // Hold only if every first responder is in quiet hours; anyone awake can take it now.
    const release = Math.min(...first.map((personId) => deliverableAt(policy, team, severity.name, personId, raised)));
    if (release > raised) {
      heldUntil = new Date(release).toISOString();
      plan = stepsFrom(policy, team, severity, release, release - raised, overrides);
    }
  }
  return { team: team.id, severity: severity.name, at: at.toISOString(), heldUntil, ...plan };
}

/** Who the first page reaches at an instant, without planning the rest of the chain (diffs ask this often). */
export function firstPageTargets(policy: Policy, teamId: string, severity: string, at: number, overrides: Override[] = []): string[] {
  const team = teamOf(policy, teamId);
  const first = escalationPolicyFor(team, severity).levels[0];
  const targets = first.targets.map((target) => resolveTarget(policy, team, target, at, overrides));
  return [...new Set(targets.filter((target): target is string => target !== undefined))];
}

/** How long an unacknowledged incident takes to reach a second, different human; null if it never does. */
export function timeToSecondHuman(plan: EscalationPlan): number | null {
  const reached = new Set<string>();
  for (const step of plan.steps) {
    for (const target of step.targets) reached.add(target);
    if (reached.size >= 2) return step.afterMs;
  }
  return null;
}
