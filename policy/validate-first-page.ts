/** The first page of every severity must reach a person at every instant of the coverage horizon. */
import { describeWindows, firstPageGaps } from './first-page-gaps';
import type { PolicySources } from './io/load';
import { problem } from './source';
import type { Interval } from './schedule';
import type { Policy } from './types';
import type { Findings } from './validate-team';

export function checkFirstPages(policy: Policy, sources: PolicySources, from: number, to: number, out: Findings): void {
  // Teams page each other's rotations; compute each schedule once per check.
  const cache = new Map<string, Interval[]>();
  for (const team of Object.values(policy.teams)) {
    for (const gap of firstPageGaps(policy, team, from, to, cache)) {
      const severities = gap.severities.join(', ');
      out.errors.push(
        problem(
          sources.teams[team.id],
          gap.pointer,
          `the first page of a ${severities} for ${team.id} reaches nobody ${describeWindows(gap.windows, from, to)}; an incident then waits a whole acknowledgement timeout before anyone hears of it`,
          'Cover those hours in the rotation this level pages (widen a layer, add a layer or hub), or add the secondary rotation or the team lead to this first level.',
        ),
      );
    }
  }
}
