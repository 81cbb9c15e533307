/** Activities behind `oncallNotices`: when the next shift starts for a team, and telling the person who takes it. */
import { formatInstant } from '../policy/clock';
import { rotationSchedule } from '../policy/schedule';
import type { CurrentPolicy, PersonInbox, TeamOverrides } from './ports';
import { reachPerson, type DeliveryOutcome } from './reach-person';

export interface ShiftStart {
  personId: string;
  rotation: 'primary' | 'secondary';
  start: number;
  end: number;
}

const LOOKAHEAD_MS = 8 * 24 * 3600 * 1000;

export function createOnCallNoticeActivities(deps: { policies: CurrentPolicy; overrides: TeamOverrides; env?: NodeJS.ProcessEnv; inbox?: PersonInbox }) {
  const env = deps.env ?? process.env;
  return {
    /** The earliest instant after `after` when someone new takes a rotation, and who. */
    async nextShiftStarts(input: { team: string; after: number }): Promise<{ teamExists: boolean; at: number | null; starts: ShiftStart[] }> {
      const team = deps.policies.current.teams[input.team];
      if (!team) return { teamExists: false, at: null, starts: [] };
      const overrides = await deps.overrides.active(input.team);
      const starts: ShiftStart[] = [];
      for (const rotation of ['primary', 'secondary'] as const) {
        const segments = rotationSchedule(team, rotation, input.after - 1, input.after + LOOKAHEAD_MS, overrides);
        segments.forEach((segment, index) => {
          const previous = segments[index - 1];
          const newPerson = !previous || previous.personId !== segment.personId || previous.end < segment.start;
          if (segment.start > input.after && newPerson) starts.push({ personId: segment.personId, rotation, start: segment.start, end: segment.end });
        });
      }
      if (starts.length === 0) return { teamExists: true, at: null, starts: [] };
      const at = Math.min(...starts.map((start) => start.start));
      return { teamExists: true, at, starts: starts.filter((start) => start.start === at) };
    },

    async notifyGoingOnCall(input: ShiftStart & { team: string; key: string }): Promise<DeliveryOutcome> {
      const policy = deps.policies.current;
      const person = policy.people[input.personId];
      if (!person) return { outcome: 'failed', failures: [`${input.personId} is not in policy ${policy.version}`] };
      const until = formatInstant(input.end, person.timezone);
      return reachPerson(
        policy,
        person,
        {
          key: input.key,
          kind: 'info',
          incidentId: `oncall-${input.team}`,
          incidentTitle: `On call for ${input.team}`,
          severity: input.rotation,
          team: input.team,
          recipient: { personId: person.id, name: person.name },
          headline: `You are now ${input.rotation} on call for ${input.team}`,
          body: `Your ${input.rotation} shift for team ${input.team} has started and runs until ${until}.`,
          occurredAt: new Date().toISOString(),
        },
        { everyChannel: false, env, inbox: deps.inbox },
      );
    },
  };
}

export type OnCallNoticeActivities = ReturnType<typeof createOnCallNoticeActivities>;
