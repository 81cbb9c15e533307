/**
 * A throwaway PostgreSQL server for tests, the fault suite and the benchmarks: initdb in a temp folder, a
 * free port on 127.0.0.1, fsync off (nothing here outlives the machine; a killed server loses nothing, since
 * commits still reach the OS before they are acknowledged: synchronous_commit stays on), stopped
 * and removed at the end. It can be killed (-9, the whole process group) and started again on the same data
 * dir and port, which is how the fault suite takes the store away under running incidents.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, chownSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';
import { until } from './wait';

export interface PostgresServer {
  /** postgres://…@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's pid while it runs. */
  readonly pid: number | undefined;
  /** SIGKILL the postmaster and its backends at once (a crash, not a shutdown). */
  kill(): Promise<void>;
  /** Start again on the same data dir and port (after kill: crash recovery runs first). */
  restart(): Promise<void>;
  /** Fast shutdown, then the data dir is removed. */
  stop(): Promise<void>;
}

const EXECUTABLES = ['initdb', 'postgres'];

/** The folder holding initdb and postgres: MARSHAL_POSTGRES_BIN, then PATH, then Debian's /usr/lib/postgresql/<newest>/bin. */
export function findPostgresBinaries(): { dir?: string; tried: string[] } {
  const debian = (() => {
    try {
      return readdirSync('/usr/lib/postgresql')
        .filter((version) => /^\d+$/.test(version))
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => `/usr/lib/postgresql/${version}/bin`);
    } catch {
      return [];
    }
  })();
  const candidates = [process.env.MARSHAL_POSTGRES_BIN, ...(process.env.PATH ?? '').split(delimiter), ...debian].filter((dir): dir is string => Boolean(dir));
  const tried: string[] = [];
  for (const dir of candidates) {
    tried.push(dir);
    const all = EXECUTABLES.every((name) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    if (all) return { dir, tried };
  }
  return { tried };
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, and PostgreSQL refuses to: no `postgres` system user to run it as (create one, or run the tests as another user)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startPostgres(): Promise<PostgresServer> {
  const { dir: bin, tried } = findPostgresBinaries();
  if (!bin) throw new Error(`PostgreSQL server binaries (${EXECUTABLES.join(', ')}) not found; looked in MARSHAL_POSTGRES_BIN, PATH and /usr/lib/postgresql/*/bin: ${tried.join(', ')}`);
  const user = runAs();
  const root = mkdtempSync(join(tmpdir(), 'marshal-pg-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  if (user) {
    chownSync(root, user.uid, user.gid);
    chownSync(dataDir, user.uid, user.gid);
  }
  const as: SpawnOptions = { ...(user ?? {}), cwd: root, env: { ...process.env, LC_ALL: 'C' } };
  const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], { ...as, encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.error}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    let output = '';
    // Its own process group, so kill() takes the backends down with the postmaster, as a crash would.
    child = spawn(
      join(bin, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      { ...as, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const running = child;
    running.stdout!.on('data', (chunk) => (output += chunk));
    running.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
    exited = new Promise((resolve) => running.once('exit', () => resolve()));
    await until(
      `PostgreSQL to accept connections on 127.0.0.1:${port}`,
      async () => {
        if (running.exitCode !== null || running.signalCode !== null) throw new Error(`postgres exited (${running.exitCode ?? running.signalCode}): ${output}`);
        const client = new Client({ connectionString: url });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      30_000,
      100,
    ).catch((error) => {
      running.kill('SIGKILL');
      throw error;
    });
  };

  const signal = async (name: NodeJS.Signals, group: boolean) => {
    const running = child;
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
    process.kill(group ? -running.pid : running.pid, name);
    await exited;
    child = undefined;
  };

  await launch();
  return {
    url,
    port,
    dataDir,
    get pid() {
      return child?.pid;
    },
    kill: async () => {
      const group = child?.pid;
      await signal('SIGKILL', true);
      // The backends share the group; a restart needs them gone (they hold its shared memory).
      if (group) await until('PostgreSQL backends to be gone', () => !groupAlive(group), 10_000, 20);
    },
    restart: launch,
    stop: async () => {
      // SIGINT: fast shutdown (active sessions ended, no wait for clients).
      await signal('SIGINT', false);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
