/**
 * `marshal oncall [team] [--at ISO]` (who is on call; every team without one) and `marshal override
 * add|list|remove` (the team's overrides and swaps), over /api/v1/oncall. Each person's own clock is shown
 * beside their name: whoever phones them at 3 a.m. should know it is 3 a.m. for them too.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { localTime } from '../policy/clock';
import type { OnCallAnswer, OnCallPerson } from '../policy/oncall';
import type { OverrideRecord } from '../workflows/oncall-overrides-contract';
import type { Context } from './commands';
import { table, when } from './format';

type Options = Record<string, string | boolean | undefined>;

function instant(value: string): string {
  // A date and time with a zone (Z or an offset); a bare date or a local time would be read differently by every machine.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected an ISO 8601 instant with a zone, e.g. 2026-12-05T02:00:00Z');
  }
  return new Date(value).toISOString();
}

const teamPath = (team: string, rest = '') => `/api/v1/oncall/${encodeURIComponent(team)}${rest}`;

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function personRow(team: string, rotation: string, person: OnCallPerson | null, at: number): string[] {
  if (!person) return [team, rotation, 'NOBODY (gap)', '-', '-', '-'];
  const clock = localTime(person.timezone, at);
  return [
    team,
    rotation,
    `${person.name} (${person.personId})`,
    person.overrideId ? `override ${person.overrideId}` : person.layer,
    `${clock.text}${clock.night ? ' night' : ''}`,
    when(person.shiftEnd),
  ];
}

function onCallTable(answers: OnCallAnswer[]): string {
  const rows = answers.flatMap((answer) => {
    const at = Date.parse(answer.at);
    return [personRow(answer.team, 'primary', answer.primary, at), personRow(answer.team, 'secondary', answer.secondary, at)];
  });
  return `On call at ${when(answers[0]?.at)}\n${table(rows, ['TEAM', 'ROTATION', 'PERSON', 'VIA', 'THEIR TIME', 'UNTIL'])}`;
}

function overrideRows(records: OverrideRecord[]): string {
  if (records.length === 0) return 'No overrides.';
  return table(
    records.map((record) => [
      record.id,
      record.state,
      record.person,
      record.replaces ? `instead of ${record.replaces}` : `holds ${record.rotation ?? 'primary'}`,
      when(record.from),
      when(record.to),
      record.createdBy,
      record.reason,
    ]),
    ['ID', 'STATE', 'COVER', 'HOW', 'FROM', 'TO', 'BY', 'WHY'],
  );
}

export function registerOncallCommands(program: Command, contextOf: (command: Command) => Context): void {
  const run =
    (fn: (context: Context, args: string[], options: Options) => Promise<void>) =>
    async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      await fn(contextOf(command), command.processedArgs as string[], command.opts<Options>());
    };

  program
    .command('oncall')
    .description('who is primary and secondary now (or --at), with their local time; every team without <team>')
    .argument('[team]', 'a team id from the policy')
    .option('--at <iso>', 'the instant to ask about, e.g. 2026-12-05T02:00:00Z (default: now)', instant)
    .action(
      run(async (context, [team], options) => {
        const query = options.at ? `?at=${encodeURIComponent(String(options.at))}` : '';
        if (team) {
          const answer = await context.api.get<OnCallAnswer>(teamPath(team, query));
          return print(context.json ? answer.text : onCallTable([answer.body]));
        }
        const teams = (await context.api.get<{ teams: string[] }>('/api/v1/policies/current')).body.teams;
        const answers = await Promise.all(teams.map(async (one) => (await context.api.get<OnCallAnswer>(teamPath(one, query))).body));
        print(context.json ? JSON.stringify({ teams: answers }) : onCallTable(answers));
      }),
    );

  const override = program.command('override').description("a team's on-call overrides and swaps: add, list, remove");
  override
    .command('list')
    .description("the team's overrides: active ones, or every one with --all (the audit trail)")
    .argument('<team>', 'a team id from the policy')
    .option('--all', 'ended and removed ones too')
    .action(
      run(async (context, [team], options) => {
        const answer = await context.api.get<{ overrides: OverrideRecord[] }>(teamPath(team, '/overrides'));
        if (context.json) return print(answer.text);
        print(overrideRows(answer.body.overrides.filter((record) => options.all || record.state === 'active')));
      }),
    );
  override
    .command('add')
    .description('add an override (the cover holds the rotation) or, with --replaces, a swap (the cover takes that person’s shifts); prints its id')
    .argument('<team>', 'a team id from the policy')
    .requiredOption('--person <id>', 'who covers: a person id from the policy')
    .option('--replaces <id>', 'whose shifts they take in the window (a swap)')
    .addOption(new Option('--rotation <name>', 'which rotation (default: both for a swap, else primary)').choices(['primary', 'secondary']))
    .requiredOption('--from <iso>', 'start, e.g. 2026-12-05T18:00:00Z', instant)
    .requiredOption('--to <iso>', 'end; the override ends by itself then', instant)
    .requiredOption('--reason <text>', 'why, for the team')
    .option('--by <person>', "who adds it (default: the token's principal)")
    .action(
      run(async (context, [team], options) => {
        const body = Object.fromEntries(['person', 'replaces', 'rotation', 'from', 'to', 'reason', 'by'].flatMap((name) => (options[name] === undefined ? [] : [[name, options[name]]])));
        const answer = await context.api.post<OverrideRecord>(teamPath(team, '/overrides'), body);
        const record = answer.body;
        print(
          context.json
            ? answer.text
            : `Added ${record.id}: ${record.person} ${record.replaces ? `instead of ${record.replaces}` : `holds ${record.rotation ?? 'primary'}`} from ${when(record.from)} to ${when(record.to)}`,
        );
      }),
    );
  override
    .command('remove')
    .description('remove an active override; the rotation decides again at once')
    .argument('<team>', 'a team id from the policy')
    .argument('<id>', 'the override id, e.g. ovr-3')
    .option('--by <person>', "who removes it (default: the token's principal)")
    .action(
      run(async (context, [team, id], options) => {
        const query = options.by ? `?by=${encodeURIComponent(String(options.by))}` : '';
        const answer = await context.api.request<OverrideRecord>('DELETE', teamPath(team, `/overrides/${encodeURIComponent(id)}${query}`));
        print(context.json ? answer.text : `Removed ${answer.body.id}`);
      }),
    );
}
