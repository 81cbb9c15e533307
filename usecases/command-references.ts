/**
 * What a command names must exist in the policy it runs under. The workflow holds only the slice of policy
 * its lifecycle needs (severities), so names of teams are checked here, before the command reaches it,
 * for every entry point alike (API, console, CLI through the API). Pure.
 */
import type { Policy } from '../policy/types';
import type { Command, Refusal } from '../workflows/incident-state';

export function commandReferenceRefusal(command: Command, policy: Policy): Refusal | undefined {
  // A reassignment to a team nobody is on call for would page nobody and tell no lead: refuse it.
  if (command.type === 'reassign-team' && !Object.hasOwn(policy.teams, command.team)) {
    const known = Object.keys(policy.teams).sort().join(', ') || 'none';
    return { kind: 'invalid', reason: `unknown team "${command.team}"; policy ${policy.version} defines ${known}`, field: 'team' };
  }
  return undefined;
}
