import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { Policy, PolicyLoadResult, PolicyProblem, SeverityPolicy } from './types';

const schemaDir = join(__dirname, '..', 'config', 'schema');
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
const validators = new Map<string, ValidateFunction>();

function validatorFor(schemaName: string): ValidateFunction {
  let validate = validators.get(schemaName);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(join(schemaDir, `${schemaName}.json`), 'utf8')));
    validators.set(schemaName, validate);
  }
  return validate;
}

/** A YAML file parsed with enough bookkeeping to point at the line of any value in it. */
export interface SourceFile {
  path: string;
  /** The path as people see it in the repository, e.g. config/severities.yaml. */
  display: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export function parseSourceFile(path: string, display: string, text: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return { path, display, text, doc, lines };
}

/** Line and column of the value at a JSON pointer such as /severities/2/acknowledgementTimeout. */
export function locate(file: SourceFile, pointer: string): { line: number; column: number } {
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  // Walk down as far as the document goes; a missing key is reported at its parent.
  let node: unknown = file.doc.contents;
  for (const key of path) {
    const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
    if (next === undefined) break;
    node = next;
  }
  const offset = (node as { range?: [number, number] } | null)?.range?.[0] ?? 0;
  const { line, col } = file.lines.linePos(offset);
  return { line, column: col };
}

export function problem(
  file: SourceFile,
  pointer: string,
  message: string,
  hint?: string,
  level: PolicyProblem['level'] = 'error',
): PolicyProblem {
  return { level, file: file.display, ...locate(file, pointer), message, hint };
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

/** Parse a YAML file and check it against one of config/schema/*.json. */
export function readChecked(
  path: string,
  display: string,
  schemaName: string,
  problems: PolicyProblem[],
): { file: SourceFile; data: unknown } | undefined {
  const file = parseSourceFile(path, display, readFileSync(path, 'utf8'));
  if (file.doc.errors.length > 0) {
    for (const error of file.doc.errors) {
      const { line, col } = file.lines.linePos(error.pos[0]);
      problems.push({ level: 'error', file: display, line, column: col, message: `YAML syntax: ${error.message.split('\n')[0]}`, hint: 'Fix the YAML syntax at this spot.' });
    }
    return undefined;
  }
  const data = file.doc.toJS();
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

/**
 * Load and validate the policy directory. Nothing is thrown for a bad policy: the result lists every
 * problem with its file and line, so callers can keep the last good policy running.
 */
export function loadPolicyDir(dir: string, options: { version?: string } = {}): PolicyLoadResult {
  const errors: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  const severitiesPath = join(dir, 'severities.yaml');
  const display = (path: string) => join('config', relative(dir, path));
  if (!existsSync(severitiesPath)) {
    errors.push({ level: 'error', file: display(severitiesPath), line: 1, column: 1, message: 'severities.yaml is missing', hint: 'Create it; config/severities.yaml in the Marshal repository is a starting point.' });
    return { ok: false, errors, warnings };
  }
  const severities = readChecked(severitiesPath, display(severitiesPath), 'severities', errors);
  if (severities) {
    const list = (severities.data as { severities: SeverityPolicy[] }).severities;
    const seen = new Set<string>();
    list.forEach((severity, index) => {
      if (seen.has(severity.name)) {
        errors.push(problem(severities.file, `/severities/${index}/name`, `severity "${severity.name}" is defined twice`, 'Give each severity a unique name.'));
      }
      seen.add(severity.name);
      if (severity.postmortem.required && severity.postmortem.deadlineBusinessDays === undefined) {
        errors.push(problem(severities.file, `/severities/${index}/postmortem`, `${severity.name} requires a postmortem but sets no deadline`, 'Add deadlineBusinessDays.'));
      }
    });
  }
  if (errors.length > 0 || !severities) return { ok: false, errors, warnings };
  const policy: Policy = {
    version: options.version ?? contentVersion([severities.file]),
    severities: (severities.data as { severities: SeverityPolicy[] }).severities,
    teams: {},
    services: {},
  };
  return { ok: true, policy, warnings };
}
