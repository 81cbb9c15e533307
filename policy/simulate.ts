/** The paging timeline of an incident nobody acknowledges, for `marshal policy simulate` and PR previews. */
import { formatInstant } from './clock';
import { formatDuration } from './duration';
import { escalationPlan, type EscalationPlan } from './escalation';
import type { Override, Policy } from './types';

export interface SimulatedPage {
  afterMs: number;
  at: string;
  level: number;
  round: number;
  people: { personId: string; name: string; channels: string[] }[];
  unresolved: string[];
}

export interface Simulation {
  plan: EscalationPlan;
  pages: SimulatedPage[];
  /** The same timeline as sentences, one per line. */
  lines: string[];
}

export function simulate(policy: Policy, teamId: string, severity: string, at: Date, overrides: Override[] = []): Simulation {
  const plan = escalationPlan(policy, teamId, severity, at, overrides);
  const pages: SimulatedPage[] = plan.steps.map((step) => ({
    afterMs: step.afterMs,
    at: step.at,
    level: step.level,
    round: step.round,
    people: step.targets.map((personId) => {
      const person = policy.people[personId];
      return { personId, name: person?.name ?? personId, channels: person?.contacts.map((contact) => contact.kind) ?? [] };
    }),
    unresolved: step.unresolved,
  }));
  const lines = [`${severity} for ${plan.team} raised ${formatInstant(at)}; nobody acknowledges.`];
  if (plan.heldUntil) lines.push(`Quiet hours: the first page waits until ${formatInstant(new Date(plan.heldUntil))}.`);
  pages.forEach((page, index) => {
    const whom = page.people.map((person) => `${person.name} (${person.channels.join(', ') || 'no contact channel'})`).join(' and ');
    const missing = page.unresolved.length > 0 ? `; ${page.unresolved.join(', ')}` : '';
    const why = index === 0 ? '' : `no acknowledgement after ${formatDuration(plan.steps[index - 1].ackTimeoutMs)}, `;
    const repeat = page.round > 0 ? ` (repeat ${page.round})` : '';
    lines.push(`+${formatDuration(page.afterMs).padEnd(6)} ${formatInstant(new Date(page.at))}  ${why}level ${page.level}${repeat}: ${whom ? `page ${whom}` : 'reaches nobody'}${missing}`);
  });
  lines.push(`+${formatDuration(plan.exhaustedAfterMs).padEnd(6)} escalation exhausted after ${plan.repeats + 1} pass(es); still unacknowledged.`);
  return { plan, pages, lines };
}
