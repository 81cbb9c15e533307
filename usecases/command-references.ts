/**
 * What a command names must exist in the policy it runs under. The workflow holds only the slice of policy
 * its lifecycle needs (severities), so names of teams and people are checked here, before the command
 * reaches it, for every entry point alike (API, console, CLI through the API). Pure.
 */
import type { Policy } from '../policy/types';
import type { Command, Refusal } from '../workflows/incident-state';

/** How many known people a refusal lists: enough to spot a typo, short enough to read. */
const PEOPLE_LISTED = 12;
/** How much of an unknown value a refusal repeats: a 200-character name need not come back whole. */
const ECHOED = 60;

const echo = (value: string) => JSON.stringify(value.length > ECHOED ? `${value.slice(0, ECHOED)}…` : value);

/**
 * A role or an action item goes only to a person in policy (a team member): someone Marshal can reach, who
 * can sign in and act. Free text would record "the-cto" as commander and notify nobody.
 */
export function unknownPersonRefusal(policy: Policy, person: string, field: string): Refusal | undefined {
  if (Object.hasOwn(policy.people, person)) return undefined;
  const ids = Object.keys(policy.people).sort();
  const listed = ids.slice(0, PEOPLE_LISTED).join(', ') + (ids.length > PEOPLE_LISTED ? `, … (${ids.length} people)` : '');
  return {
    kind: 'invalid',
    field,
    reason: `"${field}" ${echo(person)} is not a person in policy ${policy.version}; name someone by their id (${listed || 'nobody yet'}), or add them to a team's members in config/teams/`,
  };
}

export function commandReferenceRefusal(command: Command, policy: Policy): Refusal | undefined {
  switch (command.type) {
    case 'reassign-team':
      // A reassignment to a team nobody is on call for would page nobody and tell no lead: refuse it.
      if (!Object.hasOwn(policy.teams, command.team)) {
        const known = Object.keys(policy.teams).sort().join(', ') || 'none';
        return { kind: 'invalid', reason: `unknown team "${command.team}"; policy ${policy.version} defines ${known}`, field: 'team' };
      }
      return undefined;
    case 'assign-role':
      return unknownPersonRefusal(policy, command.person, 'person');
    case 'add-action-item':
      return unknownPersonRefusal(policy, command.owner, 'owner');
    default:
      return undefined;
  }
}
