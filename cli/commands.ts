/** The incident commands: each builds one API call (two for publishing the draft) and prints its answer. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { PHASES, ROLES, UPDATE_STATUSES, type ActionItem } from '../workflows/incident-state';
import type { IncidentView } from '../workflows/incident-view';
import type { Answer, Api } from './api';
import { CliError, EXIT } from './exit';
import { actionItemList, confirmation, incidentDetail, incidentList, tokenList, when, type IncidentSummary } from './format';
import type { TokenRecord } from '../store/access';
import type { ActionItemRow } from '../store/insight';

export interface Context {
  api: Api;
  json: boolean;
}

type Options = Record<string, string | boolean | number | undefined>;
type Handler = (context: Context, args: string[], options: Options) => Promise<void>;

/** Adapt a handler to commander, whose action receives (...arguments, options, command). */
function handle(contextOf: (command: Command) => Context, fn: Handler) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    await fn(contextOf(command), command.processedArgs as string[], command.opts<Options>());
  };
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** --json prints the body exactly as the server sent it; otherwise the human rendering. */
function emit<T>(context: Context, answer: Answer<T>, human: (body: T) => string): void {
  print(context.json ? answer.text : human(answer.body));
}

const incidentPath = (id: string, rest = '') => `/api/v1/incidents/${encodeURIComponent(id)}${rest}`;

/** Only the options the user gave, so the server's defaults (e.g. `by` = the caller) apply. */
function defined(options: Options, names: string[]): Record<string, string | boolean | number> {
  const body: Record<string, string | boolean | number> = {};
  for (const name of names) if (options[name] !== undefined) body[name] = options[name];
  return body;
}

const byOption = () => new Option('--by <person>', "who acts (default: the token's principal)");

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number from 1');
  return number;
}

function readMarkdown(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : resolve(path), 'utf8');
  } catch (error) {
    throw new CliError(EXIT.usage, `cannot read ${path === '-' ? 'standard input' : path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function registerCommands(program: Command, contextOf: (command: Command) => Context): void {
  const on = (fn: Handler) => handle(contextOf, fn);

  program
    .command('declare')
    .description('declare an incident; prints its id')
    .requiredOption('--title <text>', 'what is wrong, as customers would see it')
    .requiredOption('--severity <name>', 'a severity from the policy, e.g. SEV2')
    .option('--service <name>', 'the affected service; its owning team is paged')
    .option('--team <name>', "the responsible team (default: the service's owner)")
    .option('--summary <text>', 'what is known so far')
    .option('--reporter <person>', "who noticed (default: the token's principal)")
    .option('--idempotency-key <key>', 'a retry with the same key returns the same incident')
    .action(
      on(async (context, _args, options) => {
        const key = options.idempotencyKey as string | undefined;
        const answer = await context.api.post<IncidentView>(
          '/api/v1/incidents',
          defined(options, ['title', 'severity', 'service', 'team', 'summary', 'reporter']),
          key ? { 'Idempotency-Key': key } : {},
        );
        emit(context, answer, (incident) => {
          const verb = answer.status === 201 ? 'Declared' : 'Already declared (same idempotency key):';
          return `${verb} ${incident.id}  ${incident.severity}${incident.team ? ` team ${incident.team}` : ''}  ${incident.title}`;
        });
      }),
    );

  program
    .command('list')
    .description('list incidents from Temporal visibility (may trail a change by a second)')
    .addOption(new Option('--status <status>', 'open means not yet closed').choices(['open', 'resolved', 'closed', 'all']).default('open'))
    .option('--team <name>', 'only this team')
    .option('--severity <name>', 'only this severity')
    .option('--service <name>', 'only this service')
    .addOption(new Option('--phase <phase>', 'only this phase').choices([...PHASES]))
    .option('--limit <n>', 'at most this many (server maximum 1000)', positiveInteger)
    .option('--search <words>', 'incidents whose title, summary or updates contain every word (from the store; other filters ignored)')
    .action(
      on(async (context, _args, options) => {
        const filters = options.search !== undefined ? { q: options.search, ...defined(options, ['limit']) } : defined(options, ['status', 'team', 'severity', 'service', 'phase', 'limit']);
        const query = new URLSearchParams(Object.entries(filters).map(([k, v]): [string, string] => [k, String(v)]));
        const answer = await context.api.get<{ incidents: IncidentSummary[] }>(`/api/v1/incidents?${query}`);
        emit(context, answer, (body) => incidentList(body.incidents));
      }),
    );

  program
    .command('show')
    .description('one incident: its facts, action items and timeline')
    .argument('<id>', 'incident id')
    .action(on(async (context, [id]) => emit(context, await context.api.get<IncidentView>(incidentPath(id)), incidentDetail)));

  /** A lifecycle command: POST a body, confirm with the incident's new standing. */
  const lifecycle = (context: Context, id: string, rest: string, body: object, what: string) =>
    context.api.post<IncidentView>(incidentPath(id, rest), body).then((answer) => emit(context, answer, (incident) => confirmation(what, incident)));

  program
    .command('ack')
    .description('acknowledge: take the incident, paging stops')
    .argument('<id>', 'incident id')
    .addOption(byOption())
    .action(on((context, [id], options) => lifecycle(context, id, '/acknowledge', defined(options, ['by']), 'Acknowledged')));

  program
    .command('update')
    .description('post a status update')
    .argument('<id>', 'incident id')
    .addOption(new Option('--status <status>', 'where the response stands').choices([...UPDATE_STATUSES]).makeOptionMandatory())
    .requiredOption('--message <text>', 'the update itself')
    .option('--public', 'for customers (the public status page)')
    .addOption(byOption())
    .action(on((context, [id], options) => lifecycle(context, id, '/updates', defined(options, ['status', 'message', 'public', 'by']), 'Posted an update on')));

  program
    .command('severity')
    .description('raise or lower the severity, with the reason')
    .argument('<id>', 'incident id')
    .argument('<severity>', 'the new severity, e.g. SEV1')
    .requiredOption('--reason <text>', 'why')
    .option('--no-responder-needed', 'triage outcome: nobody needs to respond, paging stops')
    .addOption(byOption())
    .action(
      on((context, [id, severity], options) => {
        const body = { severity, ...defined(options, ['reason', 'by']), ...(options.responderNeeded === false ? { responderNeeded: false } : {}) };
        return lifecycle(context, id, '/severity', body, 'Changed the severity of');
      }),
    );

  program
    .command('assign')
    .description('assign a role to a person in policy, who is told; a new commander must accept (marshal accept)')
    .argument('<id>', 'incident id')
    .addArgument(new Argument('<role>', 'the role').choices([...ROLES]))
    .argument('<person>', "who takes it: a person's id in policy")
    .option('--notes <text>', 'handoff notes for them')
    .addOption(byOption())
    .action(on((context, [id, role, person], options) => lifecycle(context, id, '/roles', { role, person, ...defined(options, ['notes', 'by']) }, `Assigned ${role} ${person} on`)));

  program
    .command('accept')
    .description('accept the commander handoff made to you')
    .argument('<id>', 'incident id')
    .addOption(byOption())
    .action(on((context, [id], options) => lifecycle(context, id, '/handoff/accept', defined(options, ['by']), 'Accepted the commander handoff of')));

  program
    .command('edit')
    .description('edit the title, summary or impact start (at least one); the timeline keeps old and new')
    .argument('<id>', 'incident id')
    .option('--title <text>', 'the new title')
    .option('--summary <text>', 'the new summary')
    .option('--impact-start <iso>', 'when the impact began, e.g. 2026-11-30T08:40:00Z (not in the future)')
    .addOption(byOption())
    .action(
      on((context, [id], options) => {
        const body = { ...defined(options, ['title', 'summary', 'by']), ...(options.impactStart !== undefined ? { impactStartedAt: options.impactStart } : {}) };
        if (Object.keys(body).every((key) => key === 'by')) throw new CliError(EXIT.usage, 'give --title, --summary or --impact-start: there is nothing to edit');
        return lifecycle(context, id, '/details', body, 'Edited');
      }),
    );

  program
    .command('reassign')
    .description('hand the incident to another team')
    .argument('<id>', 'incident id')
    .argument('<team>', 'the team taking over')
    .requiredOption('--reason <text>', 'why')
    .addOption(byOption())
    .action(on((context, [id, team], options) => lifecycle(context, id, '/team', { team, ...defined(options, ['reason', 'by']) }, `Reassigned to ${team}:`)));

  program
    .command('resolve')
    .description('resolve the incident; Reflect begins')
    .argument('<id>', 'incident id')
    .requiredOption('--summary <text>', 'what fixed it')
    .addOption(byOption())
    .action(on((context, [id], options) => lifecycle(context, id, '/resolve', defined(options, ['summary', 'by']), 'Resolved')));

  const action = program.command('action').description('action items: list across incidents, add, complete, waive');
  action
    .command('list')
    .description('action items across incidents, soonest due first (open ones unless --state says otherwise)')
    .option('--owner <person>', 'only this owner')
    .option('--team <name>', 'only this team')
    .addOption(new Option('--state <state>', 'which items').choices(['open', 'completed', 'waived', 'all']).default('open'))
    .option('--overdue', 'only open items past their due date')
    .option('--limit <n>', 'at most this many (server maximum 1000)', positiveInteger)
    .action(
      on(async (context, _args, options) => {
        const query = new URLSearchParams(Object.entries(defined(options, ['owner', 'team', 'state', 'overdue', 'limit'])).map(([k, v]): [string, string] => [k, String(v)]));
        const answer = await context.api.get<{ actionItems: ActionItemRow[] }>(`/api/v1/action-items?${query}`);
        emit(context, answer, (body) => actionItemList(body.actionItems));
      }),
    );
  action
    .command('add')
    .description('add an action item; prints its id')
    .argument('<id>', 'incident id')
    .requiredOption('--title <text>', 'what is to be done')
    .requiredOption('--owner <person>', 'who does it')
    .option('--due <iso>', "deadline, e.g. 2026-12-31T17:00:00Z (default: from the severity's policy)")
    .addOption(byOption())
    .action(
      on(async (context, [id], options) => {
        const body = { ...defined(options, ['title', 'owner', 'by']), ...(options.due !== undefined ? { dueAt: options.due } : {}) };
        const answer = await context.api.post<{ id: string; actionItem: ActionItem; incident: IncidentView }>(incidentPath(id, '/action-items'), body);
        emit(context, answer, ({ actionItem: item, incident }) => `Added action item ${item.id} to ${incident.id}: ${item.title} (owner ${item.owner}${item.dueAt ? `, due ${item.dueAt}` : ''})`);
      }),
    );
  action
    .command('complete')
    .description('complete an action item')
    .argument('<id>', 'incident id')
    .argument('<itemId>', 'action item id, e.g. AI-1')
    .addOption(byOption())
    .action(on((context, [id, itemId], options) => lifecycle(context, id, `/action-items/${encodeURIComponent(itemId)}/complete`, defined(options, ['by']), `Completed ${itemId} of`)));
  action
    .command('waive')
    .description('waive an action item, with the reason')
    .argument('<id>', 'incident id')
    .argument('<itemId>', 'action item id, e.g. AI-1')
    .requiredOption('--reason <text>', 'why it will not be done')
    .addOption(byOption())
    .action(on((context, [id, itemId], options) => lifecycle(context, id, `/action-items/${encodeURIComponent(itemId)}/waive`, defined(options, ['reason', 'by']), `Waived ${itemId} of`)));

  const postmortem = program.command('postmortem').description('the postmortem: draft from the timeline, publish');
  postmortem
    .command('draft')
    .description('print the Markdown draft written from the timeline')
    .argument('<id>', 'incident id')
    .action(
      on(async (context, [id]) => {
        emit(context, await context.api.get<{ draft: string }>(incidentPath(id, '/postmortem')), (body) => body.draft);
      }),
    );
  postmortem
    .command('publish')
    .description("publish the postmortem: the file's Markdown, or the draft as it stands")
    .argument('<id>', 'incident id')
    .option('--file <path>', 'Markdown to publish; - reads standard input')
    .addOption(byOption())
    .action(
      on(async (context, [id], options) => {
        const markdown = typeof options.file === 'string' ? readMarkdown(options.file) : (await context.api.get<{ draft: string }>(incidentPath(id, '/postmortem'))).body.draft;
        await lifecycle(context, id, '/postmortem', { markdown, ...defined(options, ['by']) }, 'Published the postmortem of');
      }),
    );

  program
    .command('projection')
    .description('the store that analytics, search and action-item lists read')
    .addArgument(new Argument('<what>', 'rebuild: fill the store from Temporal and fold the projection again').choices(['rebuild']))
    .action(
      on(async (context) => {
        const answer = await context.api.post<{ incidents: number; eventsRead: number; eventsStored: number; eventsFolded: number }>('/api/v1/projection/rebuild', {});
        emit(
          context,
          answer,
          (body) => `Rebuilt the projection from Temporal: ${body.incidents} incidents, ${body.eventsRead} events read, ${body.eventsStored} missing ones stored, ${body.eventsFolded} folded.`,
        );
      }),
    );

  const token = program.command('token').description('personal API tokens (for this CLI and scripts) and, for admins, service tokens');
  token
    .command('create')
    .description('issue a token; it is shown once')
    .requiredOption('--name <label>', 'what it is for, e.g. "laptop"')
    .option('--person <id>', 'whose token (admins only; default: yourself)')
    .option('--service <name>', 'a service token instead (admins only)')
    .option('--scopes <list>', "a service token's scopes, comma-separated: view, declare, command, publish, override, act-as")
    .option('--days <n>', 'days until it expires (default 90, at most 365)', positiveInteger)
    .action(
      on(async (context, _args, options) => {
        const body = {
          name: options.name,
          ...(options.person ? { person: options.person } : {}),
          ...(options.service
            ? {
                service: options.service,
                scopes: String(options.scopes ?? '')
                  .split(',')
                  .filter(Boolean),
              }
            : {}),
          ...(options.days ? { expiresInDays: options.days } : {}),
        };
        const answer = await context.api.post<{ token: string; id: string; expiresAt: string }>('/api/v1/tokens', body);
        emit(context, answer, (issued) => `Token ${issued.id} (expires ${when(issued.expiresAt)}); it is shown only now:\n${issued.token}`);
      }),
    );
  token
    .command('list')
    .description("your tokens (admins: everyone's)")
    .action(
      on(async (context) => {
        const answer = await context.api.get<{ tokens: TokenRecord[] }>('/api/v1/tokens');
        emit(context, answer, (body) => tokenList(body.tokens));
      }),
    );
  token
    .command('revoke')
    .description('revoke a token: its next use fails')
    .argument('<id>', 'the token id')
    .action(on(async (context, [id]) => emit(context, await context.api.delete<TokenRecord>(`/api/v1/tokens/${encodeURIComponent(id)}`), (revoked) => `Revoked token ${revoked.id}.`)));
}
