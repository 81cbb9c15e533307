/**
 * `marshal`: the incident lifecycle from a terminal or a script, over the HTTP API. Output is an aligned
 * table for people or, with --json, the server's JSON body; the exit code says what kind of failure it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { Api } from './api';
import { registerCommands, type Context } from './commands';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit';
import { registerOncallCommands } from './oncall-commands';
import { registerPolicyCommands } from './policy-commands';
import { registerLoginCommands } from './login-commands';
import { credentialsPath, savedLogin } from './credentials';

/** The server `npm start` runs on this machine, on MARSHAL_PORT if set (as the server reads it). */
const DEFAULT_URL = `http://127.0.0.1:${process.env.MARSHAL_PORT || 8080}`;

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' ');

function version(): string {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/**
 * --token, else MARSHAL_TOKEN, else the personal token `marshal login` saved for this URL, else the admin
 * token the server saved in its data dir (as `npm start` does on this machine).
 */
function resolveToken(program: Command, url: string): { token?: string; source: string } {
  const given = program.opts().token as string | undefined;
  if (given) return { token: given, source: program.getOptionValueSource('token') === 'env' ? 'MARSHAL_TOKEN' : '--token' };
  const login = savedLogin(url);
  if (login) return { token: login.token, source: `${credentialsPath()} (marshal login as ${login.person}; run it again if it expired or was revoked)` };
  const path = resolve(process.env.MARSHAL_DATA_DIR || 'data', 'admin-token');
  if (!existsSync(path)) return { source: path };
  try {
    return { token: readFileSync(path, 'utf8').trim() || undefined, source: path };
  } catch (error) {
    throw new CliError(EXIT.auth, `cannot read the token in ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function buildProgram(): Command {
  const program = new Command('marshal');
  program
    .description('Incident lifecycle from the terminal: declare, acknowledge, update, resolve, reflect.')
    .version(version(), '-V, --version')
    .usage('[options] <command>')
    .addOption(new Option('--url <url>', 'Marshal API base URL').env('MARSHAL_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'bearer token (default: the one marshal login saved for this URL, else <MARSHAL_DATA_DIR or ./data>/admin-token)').env('MARSHAL_TOKEN'))
    .option('--json', 'machine output: print the raw JSON body of the answer')
    .addHelpText(
      'after',
      `\nEnvironment:\n  MARSHAL_URL       API base URL (default http://127.0.0.1:$MARSHAL_PORT, else :8080: now ${DEFAULT_URL})\n  MARSHAL_TOKEN     a bearer token (default: the one marshal login saved, else the admin token in the data dir)\n  MARSHAL_CONFIG_DIR where marshal login saves tokens (default $XDG_CONFIG_HOME/marshal or ~/.config/marshal)\n  MARSHAL_DATA_DIR  where the server saved its admin token (default ./data)\n\n${EXIT_CODES_HELP}\n`,
    )
    // Subcommands inherit both: commander's usage errors are thrown (mapped to exit 2) and printed as one line.
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`marshal: ${oneLine(message.replace(/^error: /, ''))} (see --help)\n`) });

  let api: Api | undefined;
  const contextOf = (command: Command): Context => {
    const globals = command.optsWithGlobals();
    if (!api) {
      const { token, source } = resolveToken(program, String(globals.url));
      api = new Api({ url: String(globals.url), token, tokenSource: source });
    }
    return { api, json: Boolean(globals.json) };
  };
  registerCommands(program, contextOf);
  registerOncallCommands(program, contextOf);
  registerLoginCommands(program, contextOf, (command) => String(command.optsWithGlobals().url));
  registerPolicyCommands(program);
  return program;
}

/** The exit code for a failure, after printing it as one line (commander has printed its own already). */
export function report(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    process.stderr.write(`marshal: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`marshal: unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
  return EXIT.unexpected;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // `marshal list | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

void main();
