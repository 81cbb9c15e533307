/**
 * Start-up cost of `npm start`: from the command to /healthz answering 200, the main process's CPU seconds and
 * resident memory then, and again after a few declarations. Each run has a fresh data dir, so the embedded
 * Temporal dev server is freshly started too (its own start is inside the figure, the same for every variant).
 * Variants alternate run by run so the machine's load falls on both alike.
 * Run: npx tsx bench/startup.ts [runs] [--before=<checkout>] [--name=startup]
 *   after:  `npm start` here (prestart's build check, then the JavaScript in dist/ with the prebuilt workflow bundle)
 *   before: `node --import tsx server/runtime/main.ts` in <checkout> (a checkout from before the build: tsx
 *           compiles at start and the worker bundles workflows/ with webpack), when --before is given
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../server/runtime/dev-server';
import { describeMachine, machine, processUsage, sleep, summary, writeResult } from './support';

const runs = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 3);
const before = process.argv.find((arg) => arg.startsWith('--before='))?.slice('--before='.length);
const name = process.argv.find((arg) => arg.startsWith('--name='))?.slice('--name='.length) ?? 'startup';
const declarations = 10;
const token = 'startup-bench-token-0123456789abcdef0123456789';

interface Variant {
  name: string;
  cwd: string;
  command: string[];
  /** The node process that runs Marshal (npm's own process and shell are not Marshal). */
  entry: string;
}

const variants: Variant[] = [
  { name: 'after: npm start (compiled)', cwd: resolve(__dirname, '..'), command: ['npm', 'start'], entry: 'dist/server/runtime/main.js' },
  ...(before ? [{ name: 'before: node --import tsx main.ts', cwd: resolve(before), command: [process.execPath, '--import', 'tsx', 'server/runtime/main.ts'], entry: 'server/runtime/main.ts' }] : []),
];

/** The descendant of `root` whose command line names `entry`. */
function findProcess(root: number, entry: string): number | undefined {
  const children = new Map<number, number[]>();
  for (const dir of readdirSync('/proc')) {
    if (!/^\d+$/.test(dir)) continue;
    try {
      const stat = readFileSync(`/proc/${dir}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(dir)]);
    } catch {
      // Gone between listing and reading.
    }
  }
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args[0].endsWith('node') && args.some((arg) => arg.endsWith(entry))) return pid;
    } catch {
      // Gone.
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return undefined;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((done) => child.once('exit', done));
  // Ctrl-C: the whole process group (npm, its shell and Marshal) gets SIGINT, as from a terminal.
  process.kill(-child.pid!, 'SIGINT');
  await Promise.race([exited, sleep(30_000)]);
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
}

async function once(variant: Variant) {
  const dataDir = mkdtempSync(join(tmpdir(), 'marshal-startup-'));
  const [port, temporalPort, temporalUiPort] = [await freePort(), await freePort(), await freePort()];
  const started = performance.now();
  const child = spawn(variant.command[0], variant.command.slice(1), {
    cwd: variant.cwd,
    env: {
      ...process.env,
      MARSHAL_DATA_DIR: dataDir,
      MARSHAL_PORT: String(port),
      MARSHAL_TEMPORAL_PORT: String(temporalPort),
      MARSHAL_TEMPORAL_UI_PORT: String(temporalUiPort),
      MARSHAL_TOKEN: token,
      MARSHAL_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant.name} exited with ${child.exitCode}`);
      if (performance.now() - started > 180_000) throw new Error(`${variant.name}: /healthz not ready within 180 s`);
      const ok = await fetch(`${url}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
      await sleep(50);
    }
    const readyMs = Math.round(performance.now() - started);
    const pid = findProcess(child.pid!, variant.entry);
    const atReady = pid ? processUsage(pid) : undefined;
    for (let i = 0; i < declarations; i++) {
      const res = await fetch(`${url}/api/v1/incidents`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': `startup-${i}` },
        body: JSON.stringify({ title: `Start-up benchmark ${i}`, severity: 'SEV3', service: 'checkout-api' }),
      });
      if (res.status !== 201 && res.status !== 200) throw new Error(`declaration answered ${res.status}: ${await res.text()}`);
    }
    await sleep(2000);
    const afterDeclarations = pid ? processUsage(pid) : undefined;
    return { readyMs, rssAtReadyMiB: atReady?.rssMiB, cpuSecondsAtReady: atReady?.cpuSeconds, rssAfterDeclarationsMiB: afterDeclarations?.rssMiB };
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`start-up, ${runs} runs per variant, fresh data dir and embedded Temporal each run, ${declarations} declarations after ready`);
  const samples = new Map<string, Awaited<ReturnType<typeof once>>[]>(variants.map((variant) => [variant.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const variant of run % 2 ? [...variants].reverse() : variants) {
      const sample = await once(variant);
      samples.get(variant.name)!.push(sample);
      console.log(
        `${variant.name}: ready in ${sample.readyMs} ms, ${sample.cpuSecondsAtReady} CPU s, RSS ${sample.rssAtReadyMiB} MiB at ready, ${sample.rssAfterDeclarationsMiB} MiB after ${declarations} declarations`,
      );
    }
  }
  const result = {
    machine: machine(),
    runs,
    declarations,
    temporal: 'embedded dev server, freshly started by each run (fresh data dir)',
    variants: Object.fromEntries(
      [...samples].map(([variant, list]) => [
        variant,
        {
          readyMs: summary(list.map((s) => s.readyMs)),
          cpuSecondsAtReady: summary(list.map((s) => s.cpuSecondsAtReady ?? NaN)),
          rssAtReadyMiB: summary(list.map((s) => s.rssAtReadyMiB ?? NaN)),
          rssAfterDeclarationsMiB: summary(list.map((s) => s.rssAfterDeclarationsMiB ?? NaN)),
          samples: list,
        },
      ]),
    ),
  };
  console.log(describeMachine(result.machine));
  for (const [variant, figures] of Object.entries(result.variants)) {
    console.log(
      `${variant}: ready p50 ${figures.readyMs.p50} ms (max ${figures.readyMs.max}), CPU ${figures.cpuSecondsAtReady.p50} s, RSS ${figures.rssAtReadyMiB.p50} MiB at ready, ${figures.rssAfterDeclarationsMiB.p50} MiB after declarations`,
    );
  }
  console.log(`written to ${writeResult(name, result)}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
