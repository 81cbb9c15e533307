import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { AccessPolicy, IntegrationsPolicy, Policy, PolicyLoadResult, PolicyProblem, RoutingRule, ServicePolicy, SeverityPolicy, TeamPolicy } from '../types';
import { parseSourceFile, problem, type SourceFile } from '../source';
import { validatePolicy } from '../validate';
import { findTextFault } from '../../common/text';

// Re-exported: the located-problem helpers have always been reachable from here.
export { locate, parseSourceFile, problem, type SourceFile } from '../source';

const schemaDir = join(__dirname, '..', '..', 'config', 'schema');
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, discriminator: true, verbose: true });
const validators = new Map<string, ValidateFunction>();

function validatorFor(schemaName: string): ValidateFunction {
  let validate = validators.get(schemaName);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(join(schemaDir, `${schemaName}.json`), 'utf8')));
    validators.set(schemaName, validate);
  }
  return validate;
}

function describeSchemaError(error: ErrorObject): { message: string; hint?: string } {
  const at = error.instancePath || '(top level)';
  switch (error.keyword) {
    case 'required':
      return { message: `${at} is missing "${error.params.missingProperty}"`, hint: `Add "${error.params.missingProperty}".` };
    case 'additionalProperties':
      return {
        message: `${at} has an unknown key "${error.params.additionalProperty}"`,
        hint: 'Remove it or fix its spelling; the schema in config/schema/ lists the allowed keys.',
      };
    case 'pattern':
      return {
        message: `${at} is ${JSON.stringify(error.data)}, which does not match ${error.params.pattern}`,
        hint: error.params.pattern.includes('(s|m|h|d)') ? 'Write a duration as a number and a unit, like "90s", "5m", "2h" or "3d".' : undefined,
      };
    case 'enum':
      return { message: `${at} is ${JSON.stringify(error.data)}; allowed: ${error.params.allowedValues.join(', ')}` };
    default:
      return { message: `${at} ${error.message}` };
  }
}

/** One policy file may be this large; a bigger one is a mistake (or an attack) and would stall the process. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

/**
 * Parse a YAML file and check it against one of config/schema/*.json. Every way a file can be bad (too
 * large, YAML syntax, an alias bomb, text that cannot be stored, the schema) becomes a located problem.
 */
export function readChecked(path: string, display: string, schemaName: string, problems: PolicyProblem[]): { file: SourceFile; data: unknown } | undefined {
  const atTop = (message: string, hint: string) => problems.push({ level: 'error', file: display, line: 1, column: 1, message, hint });
  const size = statSync(path).size;
  if (size > MAX_POLICY_FILE_BYTES) {
    atTop(
      `the file is ${size.toLocaleString('en')} bytes, over the ${MAX_POLICY_FILE_BYTES.toLocaleString('en')}-byte limit for one policy file`,
      'Split it (one file per team under config/teams/) or remove what does not belong in policy.',
    );
    return undefined;
  }
  const file = parseSourceFile(path, display, readFileSync(path, 'utf8'));
  if (file.doc.errors.length > 0) {
    for (const error of file.doc.errors) {
      const { line, col } = file.lines.linePos(error.pos[0]);
      problems.push({ level: 'error', file: display, line, column: col, message: `YAML syntax: ${error.message.split('\n')[0]}`, hint: 'Fix the YAML syntax at this spot.' });
    }
    return undefined;
  }
  let data: unknown;
  try {
    // The yaml library refuses documents whose aliases expand without bound ("billion laughs").
    data = file.doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    atTop(`YAML: ${(error as Error).message.split('\n')[0]}`, 'Write the values out instead of expanding aliases of aliases.');
    return undefined;
  }
  const fault = findTextFault(data);
  if (fault) {
    problems.push(problem(file, `/${fault.field.split('.').join('/')}`, `${fault.field} ${fault.problem}`, 'Policy text must be valid Unicode without NUL characters.'));
    return undefined;
  }
  const validate = validatorFor(schemaName);
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      const { message, hint } = describeSchemaError(error);
      problems.push(problem(file, error.instancePath, message, hint));
    }
    return undefined;
  }
  return { file, data };
}

/** A version for a policy directory outside git: a hash of its files' contents. */
export function contentVersion(files: { display: string; text: string }[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.display.localeCompare(b.display))) {
    hash.update(file.display).update('\0').update(file.text).update('\0');
  }
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}

/** The parsed files of a policy directory, kept so semantic checks can point at lines. */
export interface PolicySources {
  severities: SourceFile;
  services?: SourceFile;
  integrations?: SourceFile;
  access?: SourceFile;
  /** Team id → its file. */
  teams: Record<string, SourceFile>;
}

export interface LoadOptions {
  version?: string;
  /** Start of the 14-day window checked for coverage gaps; defaults to now. */
  now?: Date;
  /** Skip the coverage-gap scan (it is the slowest check) when only structure matters. */
  skipCoverage?: boolean;
}

/**
 * Load and validate the policy directory. Nothing is thrown for a bad policy: the result lists every
 * problem with its file and line, so callers can keep the last good policy running.
 */
export function loadPolicyDir(dir: string, options: LoadOptions = {}): PolicyLoadResult {
  const errors: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  const severitiesPath = join(dir, 'severities.yaml');
  const display = (path: string) => join('config', relative(dir, path));
  if (!existsSync(severitiesPath)) {
    errors.push({
      level: 'error',
      file: display(severitiesPath),
      line: 1,
      column: 1,
      message: 'severities.yaml is missing',
      hint: 'Create it; config/severities.yaml in the Marshal repository is a starting point.',
    });
    return { ok: false, errors, warnings };
  }
  const severities = readChecked(severitiesPath, display(severitiesPath), 'severities', errors);
  // Maps keyed by names from requests have no prototype: a team called "constructor" must not exist by accident.
  const teams: Record<string, TeamPolicy> = Object.create(null);
  const teamFiles: Record<string, SourceFile> = {};
  const teamsDir = join(dir, 'teams');
  const teamPaths = existsSync(teamsDir)
    ? readdirSync(teamsDir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
    : [];
  for (const name of teamPaths) {
    const path = join(teamsDir, name);
    const read = readChecked(path, display(path), 'team', errors);
    if (!read) continue;
    const team = read.data as TeamPolicy;
    const stem = name.replace(/\.ya?ml$/, '');
    // The file name is the team id so CODEOWNERS and reviewers can find a team's file without opening it.
    if (team.id !== stem) errors.push(problem(read.file, '/id', `team id "${team.id}" does not match its file name ${name}`, `Rename the file to ${team.id}.yaml or set id: ${stem}.`));
    if (teams[team.id]) errors.push(problem(read.file, '/id', `team "${team.id}" is defined twice`, 'Give each team one file.'));
    teams[team.id] = team;
    teamFiles[team.id] = read.file;
  }
  const optional = (name: string) => {
    const path = join(dir, `${name}.yaml`);
    return existsSync(path) ? readChecked(path, display(path), name, errors) : undefined;
  };
  const services = optional('services');
  const integrations = optional('integrations');
  const access = optional('access');
  if (errors.length > 0 || !severities) return { ok: false, errors, warnings };

  const servicesData = (services?.data ?? { services: {}, routing: { rules: [] } }) as {
    services: Record<string, Partial<ServicePolicy>>;
    routing: { defaultTeam?: string; rules: RoutingRule[] };
  };
  const sources: PolicySources = { severities: severities.file, services: services?.file, integrations: integrations?.file, access: access?.file, teams: teamFiles };
  const policy: Policy = {
    version: options.version ?? contentVersion([severities.file, ...Object.values(teamFiles), ...[services, integrations, access].flatMap((file) => (file ? [file.file] : []))]),
    severities: (severities.data as { severities: SeverityPolicy[] }).severities,
    teams,
    people: Object.create(null),
    services: ownedServices(servicesData.services, teams),
    routing: { rules: servicesData.routing.rules ?? [], ...(servicesData.routing.defaultTeam ? { defaultTeam: servicesData.routing.defaultTeam } : {}) },
    ...(integrations ? { integrations: integrations.data as IntegrationsPolicy } : {}),
    ...(access ? { access: access.data as AccessPolicy } : {}),
  };
  for (const team of Object.values(teams)) {
    for (const member of team.members) policy.people[member.id] ??= { ...member, team: team.id };
  }
  validatePolicy(policy, sources, servicesData.services, { errors, warnings }, options);
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, policy, warnings };
}

/** A service's owner is written in services.yaml, or claimed by the team file that lists it. */
function ownedServices(declared: Record<string, Partial<ServicePolicy>>, teams: Record<string, TeamPolicy>): Record<string, ServicePolicy> {
  const claims = new Map<string, string>();
  for (const team of Object.values(teams)) for (const service of team.services) if (!claims.has(service)) claims.set(service, team.id);
  const result: Record<string, ServicePolicy> = Object.create(null);
  for (const [id, service] of Object.entries(declared)) {
    const team = service.team ?? claims.get(id);
    if (team !== undefined) result[id] = { ...service, team };
  }
  return result;
}
