/** config/access.yaml names people: each must be someone a team file defines. */
import { problem, type SourceFile } from './source';
import type { Policy } from './types';
import type { Findings } from './validate-team';

export function checkAccess(policy: Policy, file: SourceFile | undefined, out: Findings): void {
  if (!file || !policy.access) return;
  for (const list of ['admins', 'comms', 'viewers'] as const) {
    (policy.access[list] ?? []).forEach((person, index) => {
      if (!policy.people[person]) out.errors.push(problem(file, `/${list}/${index}`, `${list} names "${person}", who is in no team file`, 'Use the id of a person defined in config/teams/*.yaml.'));
    });
  }
  for (const person of policy.access.viewers ?? []) {
    if (policy.access.admins?.includes(person)) out.errors.push(problem(file, '/viewers', `"${person}" is both an admin and a viewer`, 'Keep them in one list.'));
  }
}
