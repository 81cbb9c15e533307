/**
 * `marshal policy …`: the pull-request tools. They read policy files and git directly (no server), so a
 * CI job can check, preview and simulate a change before it is merged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { generateCodeowners } from '../policy/codeowners';
import { policyDiff } from '../policy/diff';
import { loadPolicyAtCommit, repositoryRoot } from '../policy/io/git';
import { loadPolicyDir } from '../policy/io/load';
import { simulate } from '../policy/simulate';
import type { Policy, PolicyLoadResult, PolicyProblem } from '../policy/types';
import { CliError, EXIT } from './exit';

/** Owners of the policy files no team owns (severities, services, schemas), written into CODEOWNERS. */
export const POLICY_DEFAULT_OWNERS = ['@acme/sre'];

/** The CODEOWNERS this repository commits at .github/CODEOWNERS; a test keeps the two in sync. */
export const repositoryCodeowners = (policy: Policy) => generateCodeowners(policy, { configPath: 'config', defaultOwners: POLICY_DEFAULT_OWNERS });

export function formatProblem(problem: PolicyProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.level}: ${problem.message}${problem.hint ? ` — ${problem.hint}` : ''}`;
}

/** The policy, or a usage-style failure that lists every error with its file:line. */
function validPolicy(result: PolicyLoadResult, where: string): Policy {
  if (result.ok) return result.policy;
  throw new CliError(EXIT.rejected, `the policy at ${where} is invalid:\n${result.errors.map(formatProblem).join('\n')}`);
}

function instant(text: string | undefined): Date {
  const at = text ? new Date(text) : new Date();
  if (Number.isNaN(at.getTime())) throw new CliError(EXIT.usage, `"${text}" is not an ISO 8601 instant such as 2026-12-05T02:00:00Z`);
  return at;
}

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('policy files: check, diff, simulate, codeowners (no server needed)');
  const json = () => Boolean(program.opts().json);

  policy
    .command('check')
    .description('validate a policy directory; errors and warnings with file:line:column; exit 5 on errors')
    .argument('[dir]', 'the policy directory', 'config')
    .action((dir: string) => {
      const result = loadPolicyDir(resolve(dir));
      const problems = [...(result.ok ? [] : result.errors), ...result.warnings];
      if (json()) print(JSON.stringify({ ok: result.ok, version: result.ok ? result.policy.version : undefined, problems }, null, 2));
      else {
        for (const problem of problems) print(formatProblem(problem));
        const errors = problems.filter((p) => p.level === 'error').length;
        print(`${errors} error(s), ${problems.length - errors} warning(s)${result.ok ? `; policy ${result.policy.version} is valid` : ''}`);
      }
      if (!result.ok) process.exitCode = EXIT.rejected;
    });

  policy
    .command('diff')
    .description('what a change does to paging and on-call, as Markdown for a pull-request comment')
    .argument('<base-ref>', 'the commit the change starts from, e.g. origin/main')
    .argument('[head-ref]', 'the changed commit (default: the policy directory in the work tree)')
    .option('--repo <dir>', 'the git repository', '.')
    .option('--path <dir>', 'the policy directory inside the repository', 'config')
    .option('--from <iso>', 'start of the period compared (default: now)')
    .addOption(new Option('--days <n>', 'length of the period compared').default(14).argParser(Number))
    .action((baseRef: string, headRef: string | undefined, options: { repo: string; path: string; from?: string; days: number }) => {
      const repo = repositoryRoot(resolve(options.repo));
      // Coverage gaps are what the diff is there to show, so they must not stop it; `check` judges them.
      const structure = { skipCoverage: true };
      const base = loadPolicyAtCommit(repo, baseRef, options.path, structure);
      const head = headRef ? loadPolicyAtCommit(repo, headRef, options.path, structure) : { sha: 'work tree', result: loadPolicyDir(resolve(repo, options.path), structure) };
      const markdown = policyDiff(validPolicy(base.result, baseRef), validPolicy(head.result, headRef ?? 'the work tree'), { from: instant(options.from), days: options.days });
      print(markdown);
    });

  policy
    .command('simulate')
    .description('the paging timeline of an incident nobody acknowledges')
    .requiredOption('--team <team>', 'the team paged')
    .requiredOption('--severity <severity>', 'e.g. SEV1')
    .option('--at <iso>', 'when the incident is declared (default: now)')
    .option('--dir <dir>', 'the policy directory', 'config')
    .action((options: { team: string; severity: string; at?: string; dir: string }) => {
      const current = validPolicy(loadPolicyDir(resolve(options.dir)), options.dir);
      if (!current.teams[options.team]) throw new CliError(EXIT.notFound, `no team "${options.team}"; teams: ${Object.keys(current.teams).join(', ')}`);
      if (!current.severities.some((s) => s.name === options.severity)) throw new CliError(EXIT.notFound, `no severity "${options.severity}"`);
      const result = simulate(current, options.team, options.severity, instant(options.at));
      print(json() ? JSON.stringify({ pages: result.pages }, null, 2) : result.lines.join('\n'));
    });

  policy
    .command('codeowners')
    .description('CODEOWNERS generated from the team files: print it, write it, or check it is current')
    .option('--dir <dir>', 'the policy directory', 'config')
    .option('--write <file>', 'write it to this file (e.g. .github/CODEOWNERS)')
    .option('--check <file>', 'exit 5 if this file differs from what would be generated')
    .action((options: { dir: string; write?: string; check?: string }) => {
      const text = repositoryCodeowners(validPolicy(loadPolicyDir(resolve(options.dir)), options.dir));
      if (options.check) {
        let current = '';
        try {
          current = readFileSync(options.check, 'utf8');
        } catch {
          // a missing file is simply out of date
        }
        if (current !== text) throw new CliError(EXIT.rejected, `${options.check} is out of date; run: marshal policy codeowners --write ${options.check}`);
        print(`${options.check} is up to date`);
      } else if (options.write) {
        writeFileSync(options.write, text);
        print(`wrote ${options.write}`);
      } else print(text);
    });
}
