/**
 * One step of an escalation, planned against a policy and the team's active overrides: who is paged, when,
 * and whether the rest rule could follow the page. The activity plans every step this way, and the server
 * plans a declaration's first step the same way before starting the incident, so the first page needs no
 * planning round trip. Pure but for `openIncidentsHeldBy`, which the caller answers (a visibility count).
 */
import { escalationPlan, type EscalationStep } from './escalation';
import { onCallAt } from './oncall';
import { restRuleCovers } from './rest';
import type { Override, Policy } from './types';

export interface EscalationStepRequest {
  team: string;
  severity: string;
  /** When the escalation started: step times count from here. */
  startedAt: string;
  step: number;
}

export interface EscalationStepPlan {
  exhausted: boolean;
  /** When this step is due, from the start of the escalation (quiet hours included). */
  dueAtMs: number;
  level: number;
  round: number;
  targets: string[];
  unresolved: string[];
  /** The primary holds the team's concurrency limit, so the secondary is paged first. */
  overflow: boolean;
  lead?: string;
  /**
   * False when the team's rest rule cannot follow a page of this severity, so the workflow skips asking.
   * Plans recorded before this field existed lack it, and their replays keep asking as they did.
   */
  restRuleMayApply?: boolean;
}

export async function escalationStepPlan(
  policy: Policy,
  request: EscalationStepRequest,
  overrides: Override[],
  openIncidentsHeldBy: (personId: string) => Promise<number>,
): Promise<EscalationStepPlan> {
  const team = policy.teams[request.team];
  if (!team) return { exhausted: true, dueAtMs: 0, level: 0, round: 0, targets: [], unresolved: [`team ${request.team} is not in policy ${policy.version}`], overflow: false };
  const plan = escalationPlan(policy, request.team, request.severity, new Date(request.startedAt), overrides);
  const step = plan.steps[request.step];
  if (!step) return { exhausted: true, dueAtMs: plan.exhaustedAfterMs, level: 0, round: 0, targets: [], unresolved: [], overflow: false, lead: team.lead };
  let targets = step.targets;
  let overflow = false;
  // Overflow: a primary already holding the team's limit of open incidents is not paged first.
  const pair = request.step === 0 ? overflowPair(policy, request.team, step, overrides) : undefined;
  if (pair && (await openIncidentsHeldBy(pair.primary)) >= team.concurrencyLimit) {
    targets = [pair.secondary];
    overflow = true;
  }
  return {
    exhausted: false,
    dueAtMs: step.afterMs,
    level: step.level,
    round: step.round,
    targets,
    unresolved: step.unresolved,
    overflow,
    lead: team.lead,
    restRuleMayApply: restRuleCovers(policy, request.team, request.severity),
  };
}

/** A first step that pages the primary alone, with a secondary on call who would take it if the primary is at the limit. */
function overflowPair(policy: Policy, team: string, step: EscalationStep, overrides: Override[]): { primary: string; secondary: string } | undefined {
  if (step.targets.length !== 1) return undefined;
  const answer = onCallAt(policy, team, new Date(step.at), overrides);
  const secondary = answer.secondary?.personId;
  return secondary && answer.primary?.personId === step.targets[0] ? { primary: step.targets[0], secondary } : undefined;
}

/** Whose open incidents the overflow rule would count for this step, under these overrides (none if it would not count). */
export function overflowCandidate(policy: Policy, request: EscalationStepRequest, overrides: Override[]): string | undefined {
  if (!policy.teams[request.team] || request.step !== 0) return undefined;
  const step = escalationPlan(policy, request.team, request.severity, new Date(request.startedAt), overrides).steps[0];
  return step ? overflowPair(policy, request.team, step, overrides)?.primary : undefined;
}
