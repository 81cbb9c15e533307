/**
 * The embedded engine: `temporal server start-dev` with its SQLite file in the data dir (so incidents
 * survive restarts), Marshal's search attributes registered and the web UI on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributes } from '../../workflows/incident-contract';
import { binaryVersion, findBinary, notFoundMessage, TEMPORAL_CLI } from './binaries';

export interface DevServerOptions {
  dataDir: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  /** No web UI; tests do not need it. */
  headless?: boolean;
  /** Log level of the server itself; its output goes to <dataDir>/temporal.log. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Replace the SQLite pragmas (benchmarks compare settings); default SQLITE_PRAGMAS. */
  sqlitePragmas?: string[];
  /** Serve the server's Prometheus metrics on this port (benchmarks count RPCs by operation); default a random one. */
  metricsPort?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  binary: string;
  version: string;
  /** The server process (undefined when the SDK started it); the fault suite kills it with SIGKILL. */
  pid?: number;
  /** Stop the server and wait for it to exit; its SQLite file stays for the next start. */
  stop(): Promise<void>;
}

/** An unused TCP port on loopback, for servers the tests and benchmarks start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * SQLite pragmas for the embedded store: WAL lets readers (visibility queries) run beside the writer,
 * and synchronous=NORMAL is durable across process crashes in WAL mode while syncing far less often.
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal', 'busy_timeout=10000'];

export async function waitForFrontend(address: string, child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`the Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Now and then the server exits while starting (CI saw exit 2, a Go panic in its start-up; likely one of
 * the ports it picks for itself was taken before it bound it). Such an exit before it answers is tried
 * again on fresh ports; a server that runs but never answers is not.
 */
const START_ATTEMPTS = 3;

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const { found, tried } = findBinary(TEMPORAL_CLI);
  const ip = options.ip ?? '127.0.0.1';
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
    if (!found) return startWithSdkDownload(options, ip, port, uiPort, tried);
    try {
      return await launch(options, found.path, ip, port, uiPort);
    } catch (error) {
      if (!(error instanceof ExitedAtStart) || attempt === START_ATTEMPTS) throw error;
      console.error(`marshal: ${error.message}; starting it again (attempt ${attempt + 1} of ${START_ATTEMPTS})`);
    }
  }
}

class ExitedAtStart extends Error {}

async function launch(options: DevServerOptions, binary: string, ip: string, port: number, uiPort: number | undefined): Promise<DevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--db-filename',
    join(options.dataDir, 'temporal.sqlite'),
    '--log-level',
    options.logLevel ?? 'warn',
    ...(options.sqlitePragmas ?? SQLITE_PRAGMAS).flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...Object.values(searchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ...(options.metricsPort ? ['--metrics-port', String(options.metricsPort)] : []),
    ...(uiPort ? ['--ui-port', String(uiPort), '--ui-ip', ip] : ['--headless']),
  ];
  const pidFile = join(options.dataDir, 'temporal.pid');
  await stopStaleServer(pidFile);
  if (!(await portIsFree(ip, port))) {
    throw new Error(`port ${port} on ${ip} is in use, so the embedded Temporal server cannot start there; stop what holds it, or set MARSHAL_TEMPORAL_PORT`);
  }
  rmSync(pidFile, { force: true });
  const logPath = join(options.dataDir, 'temporal.log');
  const log = openSync(logPath, 'a');
  const logStart = fstatSync(log).size;
  // detached: Ctrl-C in a terminal reaches Marshal, which then stops the server in order, after the worker.
  // The tether holds our end of its stdin: however Marshal ends (even kill -9), the server stops with it.
  const child = spawn('/bin/sh', ['-c', TETHER, 'temporal-tether', pidFile, binary, ...args], { stdio: ['pipe', log, log], detached: true });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `${ip}:${port}`;
  try {
    await waitForFrontend(address, child, 60_000);
  } catch (error) {
    child.stdin?.end();
    killGroup(child, 'SIGKILL');
    const message = `${(error as Error).message}${firstError(logPath, logStart)}; see ${logPath}`;
    throw child.exitCode !== null ? new ExitedAtStart(message) : new Error(message);
  }
  return {
    address,
    uiUrl: uiPort ? `http://${ip}:${uiPort}` : undefined,
    binary,
    version: binaryVersion(binary),
    pid: readPid(pidFile),
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(pidFile, { force: true });
    },
  };
}

/** The first line of the server's own log (from `offset`) that says what went wrong, to quote in an error. */
function firstError(logPath: string, offset: number): string {
  try {
    const lines = readFileSync(logPath).subarray(offset).toString('utf8').split('\n');
    const line = lines.find((text) => /panic:|level=(error|fatal)|"level":"(error|fatal)"|^Error:/i.test(text));
    return line ? ` (${line.trim().slice(0, 300)})` : '';
  } catch {
    return '';
  }
}

/**
 * Runs the server and ties its life to Marshal's: it writes the server's pid to $1, and when its stdin
 * (a pipe Marshal holds) closes, whether Marshal stopped cleanly or died, it stops the server. It exits
 * when the server does, so a crashed server is seen as this child's exit.
 */
const TETHER = `pidfile=$1; shift
exec 3<&0
"$@" </dev/null & server=$!
echo "$server" > "$pidfile"
{ read -r _ <&3; kill -TERM "$server" 2>/dev/null; } &
watcher=$!
wait "$server"; status=$?
kill "$watcher" 2>/dev/null
exit $status`;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process is still there (signal 0 checks without touching it). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A server left from an earlier run of this data dir (a machine that lost power mid-stop, a tether that
 * was killed too) is stopped, never adopted: its state and version are unknown, and it would keep the
 * SQLite file busy. Only a process that is still a Temporal dev server is touched.
 */
async function stopStaleServer(pidFile: string): Promise<void> {
  const pid = readPid(pidFile);
  if (!pid || !alive(pid)) return;
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!commandLine.includes('start-dev')) return;
  console.error(`marshal: stopping the Temporal server (pid ${pid}) left running by an earlier start of this data dir`);
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function portIsFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, ip, () => probe.close(() => resolve(true)));
  });
}

/** Last resort: the SDK downloads the CLI itself (needs internet access to Temporal's CDN). */
async function startWithSdkDownload(options: DevServerOptions, ip: string, port: number, uiPort: number | undefined, tried: string[]): Promise<DevServer> {
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip,
        port,
        ui: uiPort !== undefined,
        uiPort,
        dbFilename: join(options.dataDir, 'temporal.sqlite'),
        extraArgs: [...SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]), ...Object.values(searchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=Keyword`])],
      },
    });
    return {
      address: env.address,
      uiUrl: uiPort ? `http://${ip}:${uiPort}` : undefined,
      binary: 'downloaded by the Temporal SDK',
      version: 'unknown',
      stop: () => env.teardown(),
    };
  } catch (error) {
    tried.push(`the Temporal SDK's own download failed: ${(error as Error).message.split('\n')[0]}`);
    throw new Error(notFoundMessage(TEMPORAL_CLI, tried));
  }
}
