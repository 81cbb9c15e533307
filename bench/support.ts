/**
 * Shared by the benchmarks: the machine they ran on, percentiles, process sampling from /proc, and the
 * results file. Every benchmark prints its figures and the machine and writes bench/results/<name>.json.
 */
import { Agent, request } from 'node:http';
import { readdirSync, readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { binaryVersion, findBinary, TEMPORAL_CLI } from '../server/runtime/binaries';
import { startDevServer, type DevServer } from '../server/runtime/dev-server';
import { createLogger } from '../server/runtime/log';
import { startStack, type Stack } from '../server/runtime/stack';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  temporal: string;
  /** 1, 5 and 15 minute load averages when the run ended: the machine is shared, and this says how much. */
  loadAverage?: number[];
}

let cachedTemporal: string | undefined;

export function machine(): Machine {
  if (cachedTemporal === undefined) {
    const { found } = findBinary(TEMPORAL_CLI);
    cachedTemporal = found ? binaryVersion(found.path) : 'not found';
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    temporal: cachedTemporal,
    loadAverage: loadavg().map((load) => Math.round(load * 10) / 10),
  };
}

export function describeMachine(m: Machine = machine()): string {
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}, ${m.temporal}${m.loadAverage ? `, load average ${m.loadAverage.join(' ')}` : ''}`;
}

/** Nearest-rank percentile of unsorted values, rounded to 0.1. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];
  return Math.round(value * 10) / 10;
}

export function summary(values: number[]): { n: number; p50: number; p99: number; max: number } {
  return { n: values.length, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: percentile(values, 1) };
}

export function writeResult(name: string, result: object): string {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** The benchmark's arguments that are not flags, in order. */
export const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
/** The value of `--name=value`, if given. */
export const flag = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory (MiB) and CPU seconds (user + system) of a process, from /proc; undefined once it is gone. */
export function processUsage(pid: number): { rssMiB: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { rssMiB: Math.round(rssKb / 1024), cpuSeconds: statCpuSeconds(`/proc/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) of one /proc stat file. */
function statCpuSeconds(path: string): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Threads of the Temporal SDK's Rust core, by the names it gives them (Node leaves its own threads unnamed). */
const CORE_THREADS = /^(tokio-runtime|temporal-|workflow-proces)/;

/**
 * CPU seconds of a process's threads in three groups: its main thread (the API, activities, the core bridge),
 * the Temporal SDK core's threads, and Node's other threads (the workflow thread, garbage collection and
 * compilation, libuv's pool). Threads that ended are not counted.
 */
export function threadUsage(pid: number): { main: number; core: number; other: number } {
  const usage = { main: 0, core: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const seconds = statCpuSeconds(`/proc/${pid}/task/${tid}/stat`);
      const group = tid === String(pid) ? 'main' : CORE_THREADS.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8')) ? 'core' : 'other';
      usage[group] += seconds;
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return usage;
}

/** CPU used so far by this process (in all and by thread group), the Temporal server and the whole machine. */
export function cpuSnapshot(serverPid: number | undefined) {
  return { process: processUsage(process.pid), threads: threadUsage(process.pid), server: serverPid ? processUsage(serverPid) : undefined, machine: machineCpu() };
}

/**
 * CPU milliseconds per call (to a tenth) between two snapshots: this process (Marshal and the benchmark's own clients), by
 * thread group, the Temporal server; and how busy the machine was meanwhile (1 = every core).
 */
export function cpuPerCall(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>, calls: number) {
  const ms = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? null : Math.round(((to - from) * 10_000) / Math.max(calls, 1)) / 10);
  return {
    process: ms(before.process?.cpuSeconds, after.process?.cpuSeconds),
    threads: { main: ms(before.threads.main, after.threads.main), core: ms(before.threads.core, after.threads.core), other: ms(before.threads.other, after.threads.other) },
    server: ms(before.server?.cpuSeconds, after.server?.cpuSeconds),
    machineBusy: Math.round(((after.machine.busy - before.machine.busy) / Math.max(after.machine.total - before.machine.total, 1)) * 100) / 100,
  };
}

/** "Marshal 18.6 ms (main thread 9.2, SDK core 2.1, other threads 6.8), Temporal server 18.4 ms; machine 97% busy" */
export function describeCpuPerCall(cpu: ReturnType<typeof cpuPerCall>, processName = 'Marshal'): string {
  return (
    `${processName} ${cpu.process} ms (main thread ${cpu.threads.main}, SDK core ${cpu.threads.core}, other threads ${cpu.threads.other}), ` +
    `Temporal server ${cpu.server} ms; machine ${Math.round(cpu.machineBusy * 100)}% busy`
  );
}

/** Whole-machine busy fraction between two samples of /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * The benchmarks' HTTP sender: node:http over kept-alive connections. Senders run in the benchmark's own
 * process, on the same cores as Marshal; fetch (undici) cost about 0.8 ms of CPU a request there, a sixth
 * of the main thread in the intake run, which a real sender (Alertmanager, a CLI) spends on its own machine.
 */
const keptAlive = new Agent({ keepAlive: true });

export function postJson(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sending = request(url, { method: 'POST', agent: keptAlive, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    sending.on('error', reject);
    sending.end(body);
  });
}

export interface BenchStack {
  dataDir: string;
  server: DevServer;
  stack: Stack;
  /** Stop Marshal, then its server, and remove the data dir. */
  stop(): Promise<void>;
}

/** What every benchmark starts: the embedded dev server in a fresh data dir, and Marshal on it (quiet logs). */
export async function startBenchStack(options: {
  /** Names the temporary data dir (marshal-bench-<name>-…) unless `dataDir` is given. */
  name: string;
  policyDir: string;
  dataDir?: string;
  taskQueue?: string;
  /** Only the API: the benchmark runs its worker in a process of its own. */
  noWorker?: boolean;
  sqlitePragmas?: string[];
  metricsPort?: number;
}): Promise<BenchStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `marshal-bench-${options.name}-`));
  const server = await startDevServer({ dataDir, headless: true, sqlitePragmas: options.sqlitePragmas, metricsPort: options.metricsPort });
  const stack = await startStack({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    policy: { kind: 'directory', dir: options.policyDir },
    token: 'bench-admin',
    temporal: { address: server.address, namespace: 'default' },
    logger: createLogger('error'),
    ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
    ...(options.noWorker ? { noWorker: true } : {}),
  });
  return {
    dataDir,
    server,
    stack,
    async stop() {
      await stack.stop();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
