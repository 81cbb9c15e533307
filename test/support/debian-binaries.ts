/**
 * The real Prometheus and Alertmanager for the intake tests, brought by the project itself: `npm install` and
 * `npm test` stay the whole set-up on a fresh Debian machine. Order: an explicit path, PATH, the project-local
 * cache (.cache/prometheus), then Debian's own package for the pinned upstream version, fetched with
 * `apt-get download` and unpacked with `dpkg-deb -x` into that cache. Nothing is installed system-wide, so a
 * machine that lacks the binaries still shows the step this module takes for it.
 */
import { fromEnvironment, isExecutable, onPath } from '../../server/runtime/binaries';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { repoRoot } from './paths';

export interface DebianBinary {
  label: string;
  /** Names it goes by on PATH (Debian renames Alertmanager to prometheus-alertmanager). */
  executables: string[];
  /** Environment variable that names an existing binary. */
  pathVariable: string;
  debianPackage: string;
  /** The upstream version the tests were written against; any Debian revision of it will do. */
  upstreamVersion: string;
  /** Where the binary lies inside the package. */
  pathInPackage: string;
  /**
   * Files the binary reads from a path compiled into it, with no flag to move them (Debian's Alertmanager loads
   * its default notification template from /usr/share/prometheus/alertmanager and will not start without it).
   */
  fixedFiles?: string[];
}

export const ALERTMANAGER: DebianBinary = {
  label: 'Prometheus Alertmanager',
  executables: ['alertmanager', 'prometheus-alertmanager'],
  pathVariable: 'MARSHAL_ALERTMANAGER_PATH',
  debianPackage: 'prometheus-alertmanager',
  upstreamVersion: '0.25.0',
  pathInPackage: 'usr/bin/prometheus-alertmanager',
  fixedFiles: ['usr/share/prometheus/alertmanager/default.tmpl', 'usr/share/prometheus/alertmanager/email.tmpl'],
};

export const PROMETHEUS: DebianBinary = {
  label: 'Prometheus',
  executables: ['prometheus'],
  pathVariable: 'MARSHAL_PROMETHEUS_PATH',
  debianPackage: 'prometheus',
  upstreamVersion: '2.42.0',
  pathInPackage: 'usr/bin/prometheus',
};

export const prometheusCacheDir = () => resolve(process.env.MARSHAL_PROMETHEUS_CACHE_DIR ?? join(repoRoot, '.cache', 'prometheus'));

/** Cache folders are named `<package>_<debian version>`; any whose upstream version is the pinned one counts. */
function cached(spec: DebianBinary): string | undefined {
  if (!existsSync(prometheusCacheDir())) return undefined;
  for (const entry of readdirSync(prometheusCacheDir())) {
    const version = entry.startsWith(`${spec.debianPackage}_`) ? entry.slice(spec.debianPackage.length + 1) : undefined;
    const binary = version && upstreamOf(version) === spec.upstreamVersion ? join(prometheusCacheDir(), entry, spec.pathInPackage) : undefined;
    if (binary && isExecutable(binary)) return binary;
  }
  return undefined;
}

/** `2.42.0+ds-5+deb12u1` → `2.42.0`: drop the epoch, the Debian revision and repack suffixes. */
function upstreamOf(debianVersion: string): string {
  return debianVersion
    .replace(/^\d+:/, '')
    .replace(/-[^-]*$/, '')
    .replace(/[+~].*$/, '');
}

function run(command: string, args: string[], cwd?: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  const said = `${result.stderr ?? ''}`.trim().split('\n').filter(Boolean).pop() ?? result.error?.message ?? '';
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? '', said };
}

/** The Debian version apt offers for the pinned upstream version, if any. */
function offeredVersion(spec: DebianBinary): string | undefined {
  const madison = run('apt-cache', ['madison', spec.debianPackage]);
  if (!madison.ok) return undefined;
  return madison.stdout
    .split('\n')
    .map((line) => line.split('|')[1]?.trim())
    .find((version) => version && upstreamOf(version) === spec.upstreamVersion);
}

/**
 * Fetch the package (not install it) and unpack it into the cache. An image whose apt lists were cleaned has no
 * candidate until `apt-get update`, which only root may run; that is tried once, and only when needed.
 */
function fetchFromDebian(spec: DebianBinary, tried: string[]): string | undefined {
  if (!onPath('apt-get') || !onPath('dpkg-deb')) {
    tried.push('no apt-get and dpkg-deb here to fetch the Debian package with');
    return undefined;
  }
  let version = offeredVersion(spec);
  if (!version) {
    if (process.getuid?.() !== 0) {
      tried.push(`apt offers no ${spec.debianPackage} ${spec.upstreamVersion}, and only root may run apt-get update to refresh its lists`);
      return undefined;
    }
    const update = run('apt-get', ['update', '-qq']);
    version = offeredVersion(spec);
    if (!version) {
      tried.push(`apt offers no ${spec.debianPackage} ${spec.upstreamVersion}, even after apt-get update${update.ok ? '' : ` (which failed: ${update.said})`}`);
      return undefined;
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'marshal-deb-'));
  try {
    // Downloading into a folder the _apt user cannot write makes apt warn and fetch as root: say so up front.
    const download = run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', `${spec.debianPackage}=${version}`], work);
    const deb = readdirSync(work).find((name) => name.endsWith('.deb'));
    if (!download.ok || !deb) {
      tried.push(`apt-get download ${spec.debianPackage}=${version} failed: ${download.said}`);
      return undefined;
    }
    // Unpack beside the cache and rename into place, so a half-unpacked package is never taken for a good one.
    const target = join(prometheusCacheDir(), `${spec.debianPackage}_${version}`);
    const unpacking = join(work, 'unpacked');
    const unpack = run('dpkg-deb', ['-x', join(work, deb), unpacking]);
    if (!unpack.ok || !isExecutable(join(unpacking, spec.pathInPackage))) {
      tried.push(`dpkg-deb -x ${deb} failed: ${unpack.said || `no ${spec.pathInPackage} inside`}`);
      return undefined;
    }
    mkdirSync(prometheusCacheDir(), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    try {
      renameSync(unpacking, target);
    } catch {
      // /tmp on another filesystem: unpack straight into the cache instead.
      const direct = run('dpkg-deb', ['-x', join(work, deb), target]);
      if (!direct.ok) {
        tried.push(`dpkg-deb -x into ${target} failed: ${direct.said}`);
        return undefined;
      }
    }
    return join(target, spec.pathInPackage);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Put the package's fixed files where the binary looks for them, when they are missing: the one write outside
 * the project, of data files only (what dpkg would unpack there), and only as root. A binary from PATH came
 * with them.
 */
function placeFixedFiles(spec: DebianBinary, binary: string, tried: string[]): boolean {
  const packageRoot = binary.slice(0, -spec.pathInPackage.length);
  for (const file of spec.fixedFiles ?? []) {
    const target = `/${file}`;
    if (existsSync(target)) continue;
    if (process.getuid?.() !== 0) {
      tried.push(`${target} is missing (the binary reads it from there) and only root may put it there`);
      return false;
    }
    try {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(packageRoot, file), target);
    } catch (error) {
      tried.push(`could not copy ${file} from the package to ${target}: ${(error as Error).message}`);
      return false;
    }
  }
  return true;
}

export interface FoundBinary {
  path: string;
  source: 'env' | 'path' | 'cache' | 'debian';
}

export function findDebianBinary(spec: DebianBinary): { found?: FoundBinary; tried: string[] } {
  const tried: string[] = [];
  const explicit = fromEnvironment(spec.pathVariable, tried);
  if (explicit) return { found: { path: explicit, source: 'env' }, tried };
  for (const executable of spec.executables) {
    const path = onPath(executable);
    if (path) return { found: { path, source: 'path' }, tried };
  }
  tried.push(`no ${spec.executables.map((name) => `"${name}"`).join(' or ')} on PATH`);
  const fromCache = cached(spec);
  if (fromCache) return placeFixedFiles(spec, fromCache, tried) ? { found: { path: fromCache, source: 'cache' }, tried } : { tried };
  tried.push(`no ${spec.debianPackage} ${spec.upstreamVersion} in the cache at ${prometheusCacheDir()}`);
  const fetched = fetchFromDebian(spec, tried);
  if (fetched) return placeFixedFiles(spec, fetched, tried) ? { found: { path: fetched, source: 'debian' }, tried } : { tried };
  return { tried };
}

/** Both binaries, or one error that lists everything tried for each. */
export function provisionPrometheusBinaries(): { alertmanager: string; prometheus: string } {
  const results = [ALERTMANAGER, PROMETHEUS].map((spec) => ({ spec, ...findDebianBinary(spec) }));
  const missing = results.filter((result) => !result.found);
  if (missing.length > 0) {
    throw new Error(
      missing
        .map(({ spec, tried }) =>
          [
            `Could not find or fetch the ${spec.label} (Debian package ${spec.debianPackage} ${spec.upstreamVersion}). Tried:`,
            ...tried.map((line) => `  - ${line}`),
            `  Set ${spec.pathVariable} to an existing binary, or put "${spec.executables[0]}" on PATH.`,
          ].join('\n'),
        )
        .join('\n'),
    );
  }
  return { alertmanager: results[0].found!.path, prometheus: results[1].found!.path };
}
